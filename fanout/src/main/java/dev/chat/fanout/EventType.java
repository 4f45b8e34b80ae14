package dev.chat.fanout;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of event types an envelope may carry. A wire name, once published, is never
 * reused for another meaning; retired types stay here, marked deprecated.
 */
public enum EventType {
    /** A message was stored; {@code data} is the message, {@code seq} its position. */
    MESSAGE_CREATED("message.created"),
    /** A conversation the recipient belongs to was created or the recipient was added to it. */
    CONVERSATION_CREATED("conversation.created");

    private static final Map<String, EventType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }
}
