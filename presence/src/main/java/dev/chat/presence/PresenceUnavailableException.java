package dev.chat.presence;

/** Memcached could not be reached in time: presence is unknown, chat goes on. */
public final class PresenceUnavailableException extends RuntimeException {
    public PresenceUnavailableException(Throwable cause) {
        super("presence store unavailable", cause);
    }
}
