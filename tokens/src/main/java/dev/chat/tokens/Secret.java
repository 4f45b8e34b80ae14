package dev.chat.tokens;

import java.util.Objects;

/**
 * A configuration secret whose {@link #toString()} never shows the value, so that it cannot leak
 * into logs or exception messages by accident.
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "secret value");
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }
}
