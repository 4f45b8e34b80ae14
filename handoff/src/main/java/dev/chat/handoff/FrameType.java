package dev.chat.fanout;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What a WebSocket client asked for, carried from ws-node to api on the commands queue. */
public enum CommandType {
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
    /** From a ws-node, never a client: the user came online / went offline: data {state}. No conversation. */
    PRESENCE("presence");

    private static final Map<String, CommandType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(CommandType::wireName, Function.identity()));

    private final String wireName;

    CommandType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a client may send this as a frame (presence is the nodes' own). */
    public boolean fromClients() {
        return this != PRESENCE;
    }

    public static Optional<CommandType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }
}
