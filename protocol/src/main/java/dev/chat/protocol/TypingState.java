package dev.chat.protocol;

import java.util.Optional;

/** Typing started or stopped: in a client's {@code typing} frame and in the {@code typing} event. */
public enum TypingState {
    START("start"),
    STOP("stop");

    private final String wireName;

    TypingState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TypingState> fromWire(String name) {
        for (TypingState s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
