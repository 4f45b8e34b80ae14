package dev.chat.api.http;

import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Path and query parameters read the same way in every service: an id in the path that is not an
 * id is answered as the service says (usually 404, the same as an id that does not exist), a query
 * parameter that is present must be well formed. Stateless.
 */
public final class Params {
    /** The longest query parameter value taken. */
    public static final int MAX_QUERY_VALUE = 200;

    private Params() {
    }

    /** The path parameter as an id; {@code otherwise} is thrown when it is not one. */
    public static UUID pathId(ServerRequest req, String name, Supplier<ChatException> otherwise) {
        return id(req.path().pathParameters().get(name), otherwise);
    }

    /** {@code raw} as an id; {@code otherwise} is thrown when it is not one. */
    public static UUID id(String raw, Supplier<ChatException> otherwise) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw otherwise.get();
        }
    }

    /**
     * A query parameter, stripped; empty when absent or blank. A value over {@link #MAX_QUERY_VALUE}
     * characters or holding control characters is refused.
     */
    public static Optional<String> query(ServerRequest req, String name) {
        Optional<String> v = req.query().first(name).asOptional().map(String::strip).filter(s -> !s.isEmpty());
        v.ifPresent(s -> {
            if (s.length() > MAX_QUERY_VALUE || JsonBody.hasForbiddenControl(s)) {
                throw ChatException.validation("'" + name + "' is too long or holds control characters.");
            }
        });
        return v;
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent. */
    public static int intQuery(ServerRequest req, String name, int fallback, int min, int max) {
        Optional<String> raw = query(req, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw ChatException.validation("'" + name + "' must be a number from " + min + " to " + max + ".");
    }

    /** An RFC 3339 time, if present. */
    public static Optional<Instant> instantQuery(ServerRequest req, String name) {
        return query(req, name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw ChatException.validation("'" + name + "' must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
            }
        });
    }

    /** One of {@code allowed}, if present. */
    public static Optional<String> oneOf(ServerRequest req, String name, String... allowed) {
        return query(req, name).map(v -> {
            for (String a : allowed) {
                if (a.equals(v)) {
                    return v;
                }
            }
            throw ChatException.validation("'" + name + "' must be \"" + String.join("\" or \"", allowed) + "\".");
        });
    }
}
