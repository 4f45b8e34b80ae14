package dev.chat.api;

import dev.chat.api.db.Db;
import dev.chat.api.http.Json;
import dev.chat.fanout.EventPublisher;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: PostgreSQL answers and the
 * broker connection is open, so nginx and {@code ./chat} route traffic here only when it can be
 * served.
 */
public final class HealthService implements HttpService {
    private final Db db;
    private final EventPublisher publisher;
    private final Json json;

    private final dev.chat.presence.PresenceStore presence;

    public HealthService(Db db, EventPublisher publisher, dev.chat.presence.PresenceStore presence, Json json) {
        this.db = db;
        this.publisher = publisher;
        this.presence = presence;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/live", (req, res) -> json.ok(res, Map.of("status", "UP")))
                .get("/ready", this::ready);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean dbUp;
        try {
            dbUp = db.client().execute().get("SELECT 1 AS one").isPresent();
        } catch (RuntimeException e) {
            dbUp = false;
        }
        checks.put("postgresql", dbUp ? "UP" : "DOWN");
        boolean brokerUp = publisher.isOpen();
        checks.put("rabbitmq", brokerUp ? "UP" : "DOWN");
        // Memcached only feeds presence, which degrades to "unknown" without it: reported, not required
        boolean cacheUp;
        try {
            presence.instanceDescriptions();
            cacheUp = true;
        } catch (RuntimeException e) {
            cacheUp = false;
        }
        checks.put("memcached", cacheUp ? "UP" : "DOWN (presence reads as unknown)");
        boolean up = dbUp && brokerUp;
        json.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                Map.of("status", up ? "UP" : "DOWN", "checks", checks));
    }
}
