package dev.chat.fanout;

import io.helidon.config.Config;

import java.util.regex.Pattern;

/**
 * How much of the event log ({@link Topology#EVENT_LOG}, a RabbitMQ stream) the broker keeps: the
 * stream's {@code x-max-length-bytes}, {@code x-max-age} and {@code x-stream-max-segment-size-bytes}.
 * The broker drops whole segments, oldest first, once the stream is past either limit, so at most
 * one segment's worth more than {@code maxBytes} is on disk, and an entry may outlive
 * {@code maxAge} until the rest of its segment is old enough too.
 *
 * @param maxBytes     the stream's size past which its oldest segments go
 * @param maxAge       the age past which a segment goes: a number and a unit, {@code Y M D h m s} ({@code 7D})
 * @param segmentBytes the size of one segment file: the grain of retention
 */
public record EventLogRetention(long maxBytes, String maxAge, long segmentBytes) {
    private static final Pattern AGE = Pattern.compile("[1-9][0-9]{0,8}[YMDhms]");

    public EventLogRetention {
        if (segmentBytes < 1_000_000) {
            throw new IllegalArgumentException("chat.events.log.segment.bytes must be at least 1000000, got " + segmentBytes);
        }
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException("chat.events.log.max.bytes must be at least one segment ("
                    + segmentBytes + "), got " + maxBytes);
        }
        if (maxAge == null || !AGE.matcher(maxAge).matches()) {
            throw new IllegalArgumentException("chat.events.log.max.age must be a number and one of Y M D h m s (7D, 24h), got "
                    + maxAge);
        }
    }

    /** Reads {@code max.bytes}, {@code max.age} and {@code segment.bytes} of {@code log} (api's {@code chat.events.log}). */
    public static EventLogRetention from(Config log) {
        return new EventLogRetention(log.get("max.bytes").asLong().get(), log.get("max.age").asString().get(),
                log.get("segment.bytes").asLong().get());
    }
}
