package dev.chat.handoff;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What a WebSocket frame for api asks for: the frame types a ws-node hands off. */
public enum FrameType {
    /** Store a message: data {clientMsgId, text, attachment?, replyTo?}. */
    SEND("send"),
    /** Set or take back a reaction: data {seq, emoji, on}. */
    REACT("react"),
    /** Typing started or stopped: data {state: "start"|"stop"}. */
    TYPING("typing"),
    /** The user has seen everything up to data.seq. */
    READ("read"),
    /** A device of the user holds everything up to data.seq. */
    DELIVERED("delivered"),
    /** From a ws-node, never a client ({@link Handoff#PRESENCE_PATH}): the user came online / went offline. */
    PRESENCE("presence");

    private static final Map<String, FrameType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FrameType::wireName, Function.identity()));

    private final String wireName;

    FrameType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a client may send this as a frame (presence is the nodes' own). */
    public boolean fromClients() {
        return this != PRESENCE;
    }

    public static Optional<FrameType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }
}
