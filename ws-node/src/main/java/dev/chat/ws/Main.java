package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.fanout.EncodedEvent;
import dev.chat.fanout.ApiAnnouncement;
import dev.chat.fanout.ApiListener;
import dev.chat.handoff.ApiClient;
import dev.chat.handoff.ApiDirectory;
import dev.chat.fanout.NodeSubscriber;
import dev.chat.presence.PresenceStore;
import dev.chat.protocol.CloseCode;
import dev.chat.tokens.AccessTokens;
import io.helidon.http.Status;
import dev.chat.telemetry.Logs;
import dev.chat.telemetry.Meters;
import dev.chat.telemetry.RequestId;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.logging.Level;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Starts a ws-node: subscribe at the broker, serve {@code /ws} and health, keep house. Wired by
 * hand; {@link #start} is what tests call to run several nodes in one JVM.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        Logs.install(System.getenv().getOrDefault("CHAT_NODE_ID", "ws-node"));
        NodeConfig config = NodeConfig.load();
        Running node = start(config);
        LOG.info(() -> "ws-node " + config.nodeId() + " listening on ws://" + config.host() + ":" + node.port() + "/ws");
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "ws-node-shutdown"));
    }

    /** A started node. {@link #stop} closes every socket with 1001 so clients reconnect elsewhere. */
    public static final class Running {
        private final WebServer server;
        private final NodeSubscriber subscriber;
        private final ApiClient api;
        private final MemcachedClient memcached;
        private final ScheduledExecutorService housekeeping;
        private final SessionRegistry registry;
        private final PresenceTracker presence;
        private final ApiListener apis;

        Running(WebServer server, NodeSubscriber subscriber, ApiClient api, MemcachedClient memcached,
                ScheduledExecutorService housekeeping, SessionRegistry registry, PresenceTracker presence, ApiListener apis) {
            this.presence = presence;
            this.apis = apis;
            this.server = server;
            this.api = api;
            this.subscriber = subscriber;
            this.memcached = memcached;
            this.housekeeping = housekeeping;
            this.registry = registry;
        }

        public int port() {
            return server.port();
        }

        public void stop() {
            housekeeping.shutdownNow();
            presence.stopped();
            List<Thread> closing = registry.all().stream().map(s -> s.close(CloseCode.GOING_AWAY, "node stopping"))
                    .filter(java.util.Objects::nonNull).toList();
            // each 1001 written (or its connection dropped) before the server closes what is left
            long until = System.nanoTime() + ClientSession.CLOSE_GRACE.plusSeconds(1).toNanos();
            for (Thread t : closing) {
                try {
                    t.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            server.stop();
            subscriber.close();
            apis.close();
            api.close();
            memcached.shutdown(1, TimeUnit.SECONDS);
        }
    }

    public static Running start(NodeConfig config) {
        ObjectMapper mapper = dev.chat.fanout.Mappers.create();
        AccessTokens tokens = new AccessTokens(config.tokenSecret(), Duration.ofMinutes(15));
        AtomicReference<SessionRegistry> registryRef = new AtomicReference<>();
        NodeSubscriber subscriber = new NodeSubscriber(config.amqp(), config.nodeId(),
                event -> deliver(registryRef.get(), mapper, event, tokens.ttl()));
        // the api instances: the configured ones to start with, then those that announce themselves
        ApiDirectory directory = new ApiDirectory(config.apis(), ApiAnnouncement.EXPIRY);
        ApiClient api = new ApiClient(directory, config.tokenSecret(), Duration.ofSeconds(5));
        ApiListener apis = new ApiListener(config.amqp(), config.nodeId(), a -> directory.heard(a.address(), a.up()));
        MemcachedClient memcached;
        try {
            memcached = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setOpTimeout(1000).setDaemon(true).setFailureMode(net.spy.memcached.FailureMode.Cancel)
                    .setMaxReconnectDelay(5).build(), // retried at least every 5 s (the default backs off to 30 s)
                    List.of(config.memcached()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the memcached client", e);
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ws-housekeeping").daemon().factory());
        PresenceTracker presence = new PresenceTracker(config.nodeId(), new PresenceStore(memcached), api,
                housekeeping);
        SessionRegistry registry = new SessionRegistry(subscriber, presence);
        registryRef.set(registry);
        // events may be lost while the broker is away and until this node's queue is back: every
        // client reconnects and syncs from what it holds (1013, as documented), instead of missing them
        subscriber.onBrokerInterruption(() -> {
            LOG.warning("broker connection lost or recovered: closing every session so the clients resync");
            registry.all().forEach(s -> s.close(CloseCode.TRY_AGAIN_LATER, "reconnect and sync"));
        });
        PrometheusMeterRegistry meterRegistry = Meters.registry(config.nodeId());
        NodeMeters meters = new NodeMeters(meterRegistry, registry, api);
        EventStream events = new EventStream(config, tokens, registry, api, mapper, meters);
        NodeHeartbeat heartbeat = new NodeHeartbeat(config, registry, presence, mapper, subscriber::depth);
        presence.onUsersChanged(heartbeat::usersChanged);
        housekeeping.scheduleWithFixedDelay(heartbeat, 0, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(directory::expire, 1, 1, TimeUnit.SECONDS);

        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .addProtocol(WsConfig.builder().name("websocket").maxFrameLength(config.maxFrameBytes()).build())
                .routing(r -> r
                        .get("/metrics", (req, res) -> {
                            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, Meters.CONTENT_TYPE);
                            res.send(meterRegistry.scrape());
                        })
                        .get(EventStream.STREAM_PATH, events::stream)
                        .post(EventStream.FRAMES_PATH, events::frame)
                        .get("/health/live", (req, res) -> res.send("{\"status\":\"UP\"}"))
                        .get("/health/ready", (req, res) -> {
                            boolean up = subscriber.isOpen();
                            res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                                    .send("{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"node\":\"" + config.nodeId()
                                            + "\",\"sessions\":" + registry.sessionCount() + "}");
                        }))
                .addRouting(WsRouting.builder().endpoint("/ws", () -> new ChatEndpoint(config, tokens, registry, api, mapper, meters)))
                .build()
                .start();
        return new Running(server, subscriber, api, memcached, housekeeping, registry, presence, apis);
    }

    /**
     * Hands one event to the local sessions of the users it names (or to one session of one user),
     * writing the frame as api encoded it: the body is never parsed, except for the rare session
     * revocation, which is for the node itself. Never blocks on a client.
     */
    static void deliver(SessionRegistry registry, ObjectMapper mapper, EncodedEvent event, Duration tokenTtl) {
        RequestId.with(event.trace(), () -> {
            int sessions = handOut(registry, mapper, event, tokenTtl);
            LOG.log(Level.FINE, "{0} delivered to {1} sessions", new Object[] {event.type().wireName(), sessions});
        });
    }

    @SuppressWarnings("deprecation") // COMMAND_REPLY, retired, is handled too
    private static int handOut(SessionRegistry registry, ObjectMapper mapper, EncodedEvent event, Duration tokenTtl) {
        return switch (event.type()) {
            case SESSION_REVOKED -> {
                revoke(registry, mapper, event, tokenTtl);
                yield 0;
            }
            case ANNOUNCEMENT -> {
                String frame = event.text();
                List<ClientSession> all = registry.all();
                all.forEach(s -> s.send(frame, event.atMillis()));
                yield all.size();
            }
            case MESSAGE_CREATED, CONVERSATION_CREATED, MESSAGE_UPDATED, MESSAGE_DELETED, CONVERSATION_UPDATED,
                 CONTACT_UPDATED, USER_UPDATED, GROUP_UPDATED, GROUP_DELETED, GROUP_MEMBER_ADDED, GROUP_MEMBER_REMOVED,
                 REACTION_UPDATED, RECEIPT_UPDATED, RECEIPTS_ADVANCED, TYPING, PRESENCE, CALL_INCOMING, CALL_RINGING,
                 CALL_ANSWERED, CALL_ANSWERED_ELSEWHERE, CALL_ICE, CALL_MEDIA, CALL_RENEGOTIATE, CALL_ENDED,
                 HUDDLE_UPDATED, HUDDLE_SIGNAL -> toUsers(registry, event);
            case COMMAND_REPLY -> 0; // retired: api answers frames in the hand-off call now
        };
    }

    /** The session revocation is for the node itself: the only event whose body a node reads. */
    private static void revoke(SessionRegistry registry, ObjectMapper mapper, EncodedEvent event, Duration tokenTtl) {
        try {
            var data = mapper.readTree(event.frame()).path("data");
            UUID user = UUID.fromString(data.path("user").asText());
            if (data.hasNonNull("session")) {
                registry.endSession(user, UUID.fromString(data.path("session").asText()), tokenTtl);
            } else {
                registry.revoke(user, java.time.Instant.parse(data.path("revokedAt").asText()), tokenTtl);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable session revocation dropped: {0}", e.getMessage());
        }
    }

    /** To the named users' sessions here, or to one session of the single user named. */
    private static int toUsers(SessionRegistry registry, EncodedEvent event) {
        String frame = event.text();
        long acceptedAt = event.atMillis();
        int count = 0;
        if (event.session() != null) {
            for (ClientSession s : registry.of(event.to().getFirst())) {
                if (s.id().equals(event.session())) {
                    s.send(frame, acceptedAt);
                    count++;
                }
            }
            return count;
        }
        for (UUID user : event.to()) {
            for (ClientSession s : registry.of(user)) {
                s.send(frame, acceptedAt);
                count++;
            }
        }
        return count;
    }
}
