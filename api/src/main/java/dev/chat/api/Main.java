package dev.chat.api;

import dev.chat.api.accounts.AccountGuard;
import dev.chat.api.accounts.AuthService;
import dev.chat.api.accounts.Authenticator;
import dev.chat.api.accounts.PeopleService;
import dev.chat.api.accounts.PresenceService;
import dev.chat.api.accounts.UserStore;
import dev.chat.api.admin.AdminService;
import dev.chat.api.attachments.AttachmentService;
import dev.chat.api.attachments.AttachmentStore;
import dev.chat.api.attachments.PostgresChunkStorage;
import dev.chat.api.calls.CallService;
import dev.chat.api.calls.Calls;
import dev.chat.api.calls.Departures;
import dev.chat.api.calls.Huddles;
import dev.chat.api.calls.IceServers;
import dev.chat.api.db.Db;
import dev.chat.api.db.ReplicaReads;
import dev.chat.api.groups.GroupService;
import dev.chat.api.groups.GroupStore;
import dev.chat.api.groups.InviteService;
import dev.chat.api.http.ApiMeters;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Problems;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.http.RouteTable;
import dev.chat.api.messaging.ChatSettings;
import dev.chat.api.messaging.ConversationService;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.api.messaging.FrameHandler;
import dev.chat.api.messaging.Messaging;
import dev.chat.api.messaging.Outbox;
import dev.chat.api.messaging.Reactions;
import dev.chat.api.messaging.Receipts;
import dev.chat.api.push.PushService;
import dev.chat.api.push.WebPush;
import dev.chat.api.search.SearchService;
import dev.chat.fanout.EnvelopeCodec;
import dev.chat.fanout.EventPublisher;
import dev.chat.fanout.Topology;
import dev.chat.presence.PresenceStore;
import dev.chat.protocol.ErrorCode;
import dev.chat.schema.Migrations;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import dev.chat.tokens.AccessTokens;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import dev.chat.telemetry.Logs;
import dev.chat.telemetry.Meters;
import dev.chat.telemetry.RequestId;
import io.helidon.http.HeaderName;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.StaticContentService;

import java.util.Map;
import java.util.logging.Logger;

/**
 * Starts api: migrate, connect, wire by hand, serve. {@link #start} is what tests call too.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    /** The web UI loads only its own scripts, styles and sockets: stored content cannot run script. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self' wss: ws:; font-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";

    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    /** The longest request line api reads (longer: 414 uri_too_long). */
    static final int MAX_REQUEST_LINE = 16 * 1024;
    /** The most request header bytes api reads (more: 431 headers_too_large). */
    static final int MAX_HEADERS = 16 * 1024;
    /** Where the app is served, not routes: a browser opening any other path gets the app. */
    private static final List<String> NOT_PAGES = List.of("/api", "/health", "/metrics", "/ws");

    private Main() {
    }

    public static void main(String[] args) {
        Logs.install(System.getenv().getOrDefault("CHAT_INSTANCE_ID", "api"));
        ApiConfig config = ApiConfig.load();
        Running api = start(config);
        LOG.info(() -> "api " + config.instanceId() + " listening on http://" + config.host() + ":" + api.server().port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> api.stop(config.announce().drain()), "api-shutdown"));
    }

    /** A started api with everything it owns, stopped in reverse order. */
    public record Running(WebServer server, DbClient dbClient, EventPublisher publisher, Outbox outbox,
                          Receipts receipts, PresenceService presence, MemcachedClient memcached,
                          ScheduledExecutorService heartbeat, Calls calls, ReplicaReads reads, WebPush push,
                          List<String> routes, dev.chat.fanout.ApiAnnouncer announcer) {
        public int port() {
            return server.port();
        }

        /** The internal listener's port, where ws-nodes hand off frames. */
        public int internalPort() {
            return server.port("internal");
        }

        public void stop() {
            stop(java.time.Duration.ZERO);
        }

        /** Says "leaving" to the ws-nodes, serves {@code drain} longer (the hand-offs on their way), then stops. */
        public void stop(java.time.Duration drain) {
            if (announcer != null) {
                announcer.leave(drain);
            }
            heartbeat.shutdownNow();
            push.close();
            calls.close();
            receipts.close();
            presence.close();
            server.stop();
            memcached.shutdown(1, java.util.concurrent.TimeUnit.SECONDS);
            outbox.close();
            publisher.close();
            reads.close();
            dbClient.close();
        }
    }

    public static Running start(ApiConfig config) {
        DbClient dbClient = database(config);
        Json json = new Json();
        EnvelopeCodec codec = new EnvelopeCodec(json.mapper());
        EventPublisher publisher = new EventPublisher(config.amqp(), "api-" + config.instanceId(), 4, codec);
        Topology.declareEventLog(config.amqp(), config.eventLog());
        Db db = new Db(dbClient);
        Outbox outbox = Outbox.started(db, publisher, codec);
        adminFromEnvironment(db);
        PrometheusMeterRegistry meters = Meters.registry(config.instanceId());
        ApiMeters apiMeters = new ApiMeters(meters, db, publisher);
        ReplicaReads reads = ReplicaReads.of(db, config.replica(), config.dbUser(), config.dbPassword().value(),
                config.instanceId(), meters);
        AccessTokens tokens = new AccessTokens(config.tokenSecret(), config.accessTokenTtl());
        Authenticator auth = new Authenticator(tokens, new AccountGuard(db));
        UserStore users = new UserStore();
        ConversationStore conversations = new ConversationStore();
        MemcachedClient memcached = memcachedClient(config);
        RateLimiter limiter = new RateLimiter(memcached, java.time.Clock.systemUTC());
        AttachmentStore attachments = new AttachmentStore(db, new PostgresChunkStorage(db), config.attachmentMaxBytes(),
                limiter, config.limits().uploadsPerUser());
        // batches written at once: each holds a connection while it writes; leave the rest to REST and the relay
        int writers = Math.max(2, config.dbPoolSize() / 4);
        Receipts receipts = new Receipts(db, conversations, outbox, json, writers);
        Messaging messaging = new Messaging(db, conversations, attachments, outbox, json, apiMeters, limiter,
                config.limits().sendsPerUser(), writers, receipts);
        Reactions reactions = new Reactions(conversations, outbox, json);
        ChatSettings settings = new ChatSettings(conversations, outbox, json);
        GroupStore groupStore = new GroupStore();
        GroupService groupService = new GroupService(db, outbox, groupStore, users, conversations, auth, json);
        Problems problems = new Problems(json, apiMeters);
        PresenceStore presenceStore = new PresenceStore(memcached);
        PresenceService presence = new PresenceService(db, presenceStore, publisher, auth, json);
        presence.start();
        Calls calls = new Calls(db, outbox, publisher, messaging, json, config.calls().ringTimeout(), limiter, config.calls().invitesPerUser());
        Huddles huddles = new Huddles(db, outbox, publisher, json);
        Departures departures = new Departures(calls, huddles);
        presence.onSweptOffline(departures::offline); // a call or huddle whose person's node died ends for them too
        calls.start();
        InternalService internal = new InternalService(dev.chat.handoff.Handoff.nodeKey(config.tokenSecret()),
                new FrameHandler(messaging, receipts, reactions, conversations, db, publisher, json, calls, huddles), presence, json,
                departures, apiMeters);
        RouteTable routeTable = new RouteTable();
        WebPush push = WebPush.start(config.push(), db, json, auth, presenceStore, outbox);
        AdminService adminService = new AdminService(db, outbox, auth, groupStore, conversations, presenceStore, json);
        WebServer server = server(config, problems, internal, r -> routing(r, problems, routeTable, meters, adminService,
                        new AuthService(db, outbox, users, tokens, auth, json, config.secureCookies(), limiter, config.limits()),
                        new ConversationService(db, reads, users, conversations, messaging, receipts, reactions, settings, auth, json),
                        new AttachmentService(attachments, auth, json),
                        new PeopleService(db, users, outbox, auth, json),
                        groupService,
                        new InviteService(db, outbox, groupStore, groupService, auth, json, limiter, config.limits().invalidInvitesPerUser()),
                        presence,
                        new SearchService(db, conversations, auth, json, config.searchReach()),
                        new CallService(new IceServers(config.calls()), huddles, auth, json), push.service(),
                        new HealthService(db, publisher, presenceStore, json)));
        ScheduledExecutorService heartbeat = instanceHeartbeat(config, presenceStore, server.port());
        heartbeat.scheduleWithFixedDelay(() -> sweepUploads(attachments), 1, 10, TimeUnit.MINUTES);
        return new Running(server, dbClient, publisher, outbox, receipts, presence, memcached, heartbeat, calls, reads, push,
                routeTable.routes(), announcer(config, server));
    }

    /** Tells ws-nodes where this instance takes frames, every few seconds (null when it is not to). */
    private static dev.chat.fanout.ApiAnnouncer announcer(ApiConfig config, WebServer server) {
        String address = config.announce().address().isBlank()
                ? "http://" + config.internalHost() + ":" + server.port("internal") : config.announce().address();
        return config.announce().enabled() ? dev.chat.fanout.ApiAnnouncer.start(config.amqp(), "api-" + config.instanceId()
                + "-announce", java.net.URI.create(address)) : null;
    }

    /** The schema migrated to the current version, then the connection pool. */
    private static DbClient database(ApiConfig config) {
        int applied = Migrations.migrate(config.dbUrl(), config.dbUser(), config.dbPassword().value());
        LOG.info(() -> "database schema current (" + applied + " migrations applied now)");
        return DbClient.create(Config.just(ConfigSources.create(Map.of(
                "source", "jdbc",
                "connection.url", config.dbUrl(),
                "connection.username", config.dbUser(),
                "connection.password", config.dbPassword().value(),
                "connection.maximumPoolSize", String.valueOf(config.dbPoolSize()),
                "connection.poolName", "chat-" + config.instanceId(),
                "connection.connectionTimeout", "3000"))));
    }

    /** {@code CHAT_ADMIN_USERNAME} (with {@code CHAT_ADMIN_PASSWORD}) is made an admin at start, if set. */
    private static void adminFromEnvironment(Db db) {
        String admin = System.getenv("CHAT_ADMIN_USERNAME");
        if (admin != null && !admin.isBlank()) {
            AdminBootstrap.Outcome outcome = AdminBootstrap.ensure(db, admin, System.getenv("CHAT_ADMIN_PASSWORD"));
            LOG.info(() -> "admin account " + admin + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The public listener (routed by {@code routes}) and the internal one ws-nodes hand frames to. */
    private static WebServer server(ApiConfig config, Problems problems, InternalService internal,
                                    java.util.function.Consumer<HttpRouting.Builder> routes) {
        return WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(1024 * 1024)
                // a request line up to 16 KiB (a presence query for its 200 ids is about 7.4 KB), headers
                // up to 16 KiB; nginx's limits are above these, so api answers in between (PROTOCOL.md, "Limits")
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder()
                        .maxPrologueLength(MAX_REQUEST_LINE).maxHeadersSize(MAX_HEADERS).build())
                .directHandlers(d -> {
                    for (io.helidon.http.DirectHandler.EventType e : io.helidon.http.DirectHandler.EventType.values()) {
                        d.addHandler(e, problems.transportHandler());
                    }
                })
                .shutdownHook(false)
                // frames handed off by ws-nodes: a listener of its own, which nginx never routes to
                .putSocket("internal", socket -> socket.host(config.internalHost()).port(config.internalPort())
                        .maxPayloadSize(1024 * 1024) // a batch of frames is at most 512 KiB
                        .routing(r -> r.register(internal)))
                .routing(routes)
                .build()
                .start();
    }

    private static void sweepUploads(AttachmentStore attachments) {
        try {
            long swept = attachments.sweepAbandoned();
            if (swept > 0) {
                LOG.info(() -> swept + " uploads never sent were deleted");
            }
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.FINE, "sweeping abandoned uploads failed", e);
        }
    }

    static void routing(HttpRouting.Builder r, Problems problems, RouteTable routeTable, PrometheusMeterRegistry meters,
                        AdminService admin, AuthService authService,
                        ConversationService conversationService, AttachmentService attachments, PeopleService people, GroupService groups,
                        InviteService invites, PresenceService presence, SearchService search, CallService calls,
                        PushService push, HealthService health) {
        problems.register(r);
        r.addFilter((chain, req, res) -> {
            // the request id nginx gave the request (or a new one) is on every log line written for it
            String id = RequestId.accept(req.headers().first(REQUEST_ID).orElse(null));
            res.header(REQUEST_ID, id);
            res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
            res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            res.header(HeaderNames.create("Content-Security-Policy"), CSP);
            RequestId.with(id, () -> {
                if (req.content().hasEntity() && (req.prologue().method() == io.helidon.http.Method.GET
                        || req.prologue().method() == io.helidon.http.Method.HEAD)) {
                    // a body nobody reads: the connection is closed after the answer, and the client is told
                    res.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
                }
                // a NUL byte is never part of a valid path or query, and PostgreSQL refuses it in text
                if (req.path().rawPath().contains("%00") || req.query().rawValue().contains("%00")) {
                    problems.send(req, res, ChatException.validation("The request's path or query contains a NUL byte."));
                    return;
                }
                chain.proceed();
            });
        });
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, Meters.CONTENT_TYPE);
            res.send(meters.scrape());
        });
        byte[] openApi = resource("openapi.yaml");
        routeTable.add("GET /api/openapi.yaml");
        r.get("/api/openapi.yaml", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(openApi);
        });
        r.register("/api", routeTable.recorded("/api", authService), routeTable.recorded("/api", conversationService),
                        routeTable.recorded("/api", attachments),
                        routeTable.recorded("/api", people), routeTable.recorded("/api", groups),
                        routeTable.recorded("/api", invites), routeTable.recorded("/api", presence),
                        routeTable.recorded("/api", search), routeTable.recorded("/api", calls), routeTable.recorded("/api", push),
                        routeTable.recorded("/api", admin))
                .any("/api", (req, res) -> notFound(problems, routeTable, req, res))
                .any("/api/*", (req, res) -> notFound(problems, routeTable, req, res))
                .register("/health", health)
                .register("/", StaticContentService.builder("web").welcomeFileName("index.html").build());
        byte[] app = resource("web/index.html");
        r.get("/*", (req, res) -> {
            if (!isNavigation(req)) {
                notFound(problems, routeTable, req, res); // a file that is not there, a program asking
                return;
            }
            // a browser opening a path of its own (/login, /chat, a link pasted without its #…): the app
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.send(app);
        });
    }

    /** A browser opening a page: GET accepting HTML, outside the API, health, metrics and the socket. */
    static boolean isNavigation(io.helidon.webserver.http.ServerRequest req) {
        String path = req.path().path();
        for (String prefix : NOT_PAGES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return false;
            }
        }
        return req.headers().first(HeaderNames.ACCEPT).map(a -> a.toLowerCase(java.util.Locale.ROOT).contains("text/html")).orElse(false);
    }

    /** Tells operators this instance is alive (the admin nodes list), every few seconds. */
    private static ScheduledExecutorService instanceHeartbeat(ApiConfig config, PresenceStore store, int port) {
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("instance-heartbeat").daemon().factory());
        String description = new Json().object().put("instance", config.instanceId()).put("version", Version.CURRENT)
                .put("startedAt", Instant.now().toString()).put("address", config.host() + ":" + port).toString();
        beat.scheduleWithFixedDelay(() -> {
            try {
                store.beatInstance(config.instanceId(), description);
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.FINE, "instance heartbeat failed", e);
            }
        }, 0, PresenceStore.NODE_HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        return beat;
    }

    private static MemcachedClient memcachedClient(ApiConfig config) {
        try {
            // a lost Memcached is retried at least every 5 s (the client's default backs off to 30 s)
            return new MemcachedClient(new ConnectionFactoryBuilder().setOpTimeout(1000).setDaemon(true)
                    .setFailureMode(FailureMode.Cancel).setMaxReconnectDelay(5).build(), java.util.List.of(config.memcached()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the memcached client", e);
        }
    }

    private static byte[] resource(String name) {
        try (var in = Main.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the class path");
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** No route for this method and path: 405 with {@code Allow} when the path has routes for other methods, else 404. */
    private static void notFound(Problems problems, RouteTable routes, io.helidon.webserver.http.ServerRequest req,
                                 io.helidon.webserver.http.ServerResponse res) {
        String method = req.prologue().method().text();
        java.util.Set<String> allowed = routes.methodsFor(req.path().path());
        if (!allowed.isEmpty() && !allowed.contains(method)) {
            res.header(HeaderNames.ALLOW, String.join(", ", allowed));
            problems.send(req, res, new ChatException(ErrorCode.METHOD_NOT_ALLOWED,
                    method + " is not allowed on " + req.path().path() + "; allowed: " + String.join(", ", allowed) + "."));
            return;
        }
        problems.send(req, res, new ChatException(ErrorCode.NOT_FOUND, "No route " + method + " " + req.path().path() + "."));
    }
}
