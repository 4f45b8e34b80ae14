package dev.chat.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * A ws-node's own meters, beside the JVM's: events delivered to sockets, end-to-end delivery
 * latency (from api accepting the change to this node writing the frame on the socket), live
 * sockets, sessions opened and closed (by close code), error frames by code, the api instances
 * frames are handed to.
 */
final class NodeMeters {
    private final MeterRegistry registry;
    private final Counter deliveries;
    private final Counter opened;
    private final Timer latency;

    NodeMeters(MeterRegistry registry, SessionRegistry sessions, dev.chat.handoff.ApiClient api) {
        this.registry = registry;
        this.deliveries = Counter.builder("chat_deliveries").description("Event frames written to sockets").register(registry);
        this.opened = Counter.builder("chat_sessions_opened").description("WebSocket sessions opened").register(registry);
        this.latency = Timer.builder("chat_delivery_latency")
                .description("From api accepting a change to its frame written on a socket")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("chat_live_sockets", sessions, SessionRegistry::sessionCount).description("Open WebSocket sessions")
                .register(registry);
        Gauge.builder("chat_handoff_api_instances", api, dev.chat.handoff.ApiClient::instanceCount)
                .description("api instances this node hands frames to (its directory, followed live)").register(registry);
    }

    /** A frame of an event accepted at {@code acceptedAtMillis} was written. */
    void delivered(long acceptedAtMillis) {
        deliveries.increment();
        latency.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - acceptedAtMillis)));
    }

    void sessionOpened() {
        opened.increment();
    }

    void sessionClosed(int code) {
        registry.counter("chat_sessions_closed", "code", Integer.toString(code)).increment();
    }

    void errorFrame(String code) {
        registry.counter("chat_errors", "code", code).increment();
    }
}
