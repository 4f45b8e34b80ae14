package dev.chat.handoff;

import dev.chat.tokens.Secret;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A ws-node's way to api: one kept-alive HTTP/1.1 client per api instance, called in blocking style
 * from virtual threads. Calls are spread round robin; an instance that cannot be reached or answers
 * 5xx is skipped for the next one, and the whole list is tried again until {@link #deadline}
 * passes. Every hand-off is idempotent at api (sends by client message id, cursors only move
 * forward, reactions are set, not toggled), so a call repeated after an instance died mid-call
 * has its effect once. Thread-safe.
 */
public final class ApiClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiClient.class.getName());
    private static final HeaderName USER = HeaderNames.create(Handoff.USER);
    private static final HeaderName SESSION = HeaderNames.create(Handoff.SESSION);
    private static final HeaderName NODE_KEY = HeaderNames.create(Handoff.NODE_KEY);
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private final List<WebClient> instances;
    private final List<URI> uris;
    private final String nodeKey;
    private final Duration deadline;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param apis     api instances' internal listeners, e.g. {@code http://127.0.0.1:9090}
     * @param deadline how long one hand-off may keep trying instances before it fails
     */
    public ApiClient(List<URI> apis, Secret tokenSecret, Duration deadline) {
        if (apis.isEmpty()) {
            throw new IllegalArgumentException("at least one api address is needed");
        }
        this.uris = List.copyOf(apis);
        this.nodeKey = Handoff.nodeKey(tokenSecret);
        this.deadline = deadline;
        this.instances = apis.stream().map(uri -> WebClient.builder()
                .baseUri(uri)
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(30))
                .keepAlive(true)
                .connectionCacheSize(256)
                .build()).toList();
    }

    /** What api answered to a frame: the frame to write back, or null when it wants no answer. */
    public String frame(UUID user, UUID session, String trace, String frameJson) {
        return call(Handoff.FRAMES_PATH, user, session, trace, frameJson);
    }

    /** Tells api that a user came online on this node or went offline here. */
    public void presence(UUID user, String state) {
        call(Handoff.PRESENCE_PATH, user, null, null, "{\"user\":\"" + user + "\",\"state\":\"" + state + "\"}");
    }

    private String call(String path, UUID user, UUID session, String trace, String body) {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        RuntimeException last = null;
        for (int round = 0; ; round++) {
            int start = Math.floorMod(next.getAndIncrement(), instances.size());
            for (int i = 0; i < instances.size(); i++) {
                int index = (start + i) % instances.size();
                try {
                    var request = instances.get(index).post(path)
                            .header(NODE_KEY, nodeKey)
                            .header(USER, user.toString())
                            .contentType(MediaTypes.APPLICATION_JSON);
                    if (session != null) {
                        request.header(SESSION, session.toString());
                    }
                    if (trace != null) {
                        request.header(REQUEST_ID, trace);
                    }
                    try (HttpClientResponse response = request.submit(body)) {
                        int status = response.status().code();
                        if (status == 200) {
                            return response.entity().as(String.class);
                        }
                        if (status == 204) {
                            return null;
                        }
                        // 5xx: this instance is stopping or cannot reach its database; another may
                        last = new IllegalStateException("api at " + uris.get(index) + " answered " + status);
                        if (status < 500) {
                            throw new IllegalStateException("api refused the hand-off: " + status);
                        }
                    }
                } catch (IllegalStateException e) {
                    if (e.getMessage() != null && e.getMessage().startsWith("api refused")) {
                        throw e;
                    }
                    last = e;
                } catch (RuntimeException e) {
                    last = e;
                    LOG.log(Level.FINE, "api at " + uris.get(index) + " unreachable", e);
                }
            }
            if (System.nanoTime() - giveUpAt > 0) {
                throw new ApiUnavailableException("no api instance answered within " + deadline, last);
            }
            try {
                Thread.sleep(Math.min(500, 50L << Math.min(round, 4)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiUnavailableException("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        instances.forEach(c -> c.closeResource());
    }
}
