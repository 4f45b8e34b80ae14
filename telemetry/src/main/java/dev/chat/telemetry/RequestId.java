package dev.chat.telemetry;

import java.util.function.Supplier;

/**
 * The request id of the work the current thread is doing. It is born where a request enters the
 * system (nginx's {@code X-Request-Id}, a REST call, a WebSocket frame), travels in commands and
 * event envelopes through the broker, and is written on every log line, so one message can be
 * followed from api through RabbitMQ to the ws-node that delivered it.
 */
public final class RequestId {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final int MAX_LENGTH = 64;

    private RequestId() {
    }

    /** The current id, or {@code null} outside any request. */
    public static String current() {
        return CURRENT.get();
    }

    /**
     * A fresh id: up to 16 hex digits, enough to be unique in a day of logs. Not a secret, so not
     * from the secure generator (one per WebSocket frame showed in the node's profile).
     */
    public static String fresh() {
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /** An id taken from outside (a header, a frame) if it is sane; otherwise a fresh one. */
    public static String accept(String incoming) {
        if (incoming == null || incoming.isEmpty() || incoming.length() > MAX_LENGTH) {
            return fresh();
        }
        for (int i = 0; i < incoming.length(); i++) {
            char c = incoming.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                return fresh();
            }
        }
        return incoming;
    }

    /** Runs {@code work} with {@code id} as the current request id, restoring the previous one. */
    public static <T> T with(String id, Supplier<T> work) {
        String previous = CURRENT.get();
        CURRENT.set(id);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    public static void with(String id, Runnable work) {
        with(id, () -> {
            work.run();
            return null;
        });
    }
}
