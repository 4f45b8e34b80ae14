package dev.chat.api.http;

import dev.chat.api.db.Db;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * api's own meters, beside the JVM's: messages accepted, events published and confirmed by the
 * broker, publishes that failed, the outbox backlog (read every scrape, cheaply), errors by code,
 * frames ws-nodes handed to this instance.
 */
public final class ApiMeters {
    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter handedOff;
    private final AtomicLong backlog = new AtomicLong();

    public ApiMeters(MeterRegistry registry, Db db, EventPublisher publisher) {
        this.registry = registry;
        this.accepted = Counter.builder("chat_messages_accepted").description("Messages stored (new, not retries)").register(registry);
        this.handedOff = Counter.builder("chat_handoff_frames").description("Frames ws-nodes handed to this instance").register(registry);
        FunctionCounter.builder("chat_events_published", publisher, EventPublisher::published)
                .description("Events published to the broker and confirmed by it").register(registry);
        FunctionCounter.builder("chat_events_publish_failures", publisher, EventPublisher::failed)
                .description("Publish attempts not confirmed (left to the outbox relay)").register(registry);
        Gauge.builder("chat_outbox_backlog", db, d -> {
            try {
                backlog.set(Db.longValue(d.client().execute().get("SELECT count(*) AS n FROM outbox").orElseThrow(), "n"));
            } catch (RuntimeException e) {
                // the database is away: report the last value seen
            }
            return backlog.get();
        }).description("Events written but not yet confirmed by the broker").register(registry);
    }

    public void messageAccepted() {
        accepted.increment();
    }

    public void framesHandedOff(int frames) {
        handedOff.increment(frames);
    }

    public void error(ErrorCode code) {
        registry.counter("chat_errors", "code", code.code()).increment();
    }
}
