package dev.chat.api;

import dev.chat.api.attachments.AttachmentStore;
import dev.chat.fanout.AmqpSettings;
import dev.chat.ws.NodeConfig;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Real servers for integration tests, and one api plus two ws-nodes started in this JVM on free
 * ports against them.
 *
 * <p>Where the servers come from, in order: the external PostgreSQL, RabbitMQ and Memcached whose
 * addresses {@code ./chat test} passes as {@code chat.it.*} system properties; else containers,
 * when a Docker engine is available; else the tests fail with a message saying how to run them.
 * No mocks. The stack starts once per test JVM; tables are emptied before every test.
 */
public final class ChatServers implements BeforeEachCallback, ParameterResolver {
    /** The running stack shared by all integration tests of this JVM. */
    public record Stack(String apiUrl, Main.Running api, String apiUrlB, Main.Running apiB,
                        dev.chat.ws.Main.Running nodeA, String nodeAId,
                        dev.chat.ws.Main.Running nodeB, String nodeBId, String dbUrl, String dbUser, String dbPassword,
                        AmqpSettings amqp, InetSocketAddress memcached) {
        public String wsUrlA() {
            return "ws://127.0.0.1:" + nodeA.port() + "/ws";
        }

        public String wsUrlB() {
            return "ws://127.0.0.1:" + nodeB.port() + "/ws";
        }

        /** Where nodes hand off frames: both api instances' internal listeners. */
        public java.util.List<java.net.URI> apiInternalUrls() {
            return java.util.List.of(java.net.URI.create("http://127.0.0.1:" + api.internalPort()),
                    java.net.URI.create("http://127.0.0.1:" + apiB.internalPort()));
        }

        public Connection sql() throws SQLException {
            return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        }

        /** What PostgreSQL holds of a conversation: seq -> the message's client id, by seq. */
        public java.util.SortedMap<Long, String> stored(java.util.UUID chat) throws SQLException {
            java.util.SortedMap<Long, String> rows = new java.util.TreeMap<>();
            try (Connection sql = sql(); java.sql.PreparedStatement st = sql.prepareStatement(
                    "SELECT seq, client_msg_id FROM messages WHERE conversation_id = ?::uuid")) {
                st.setString(1, chat.toString());
                try (java.sql.ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            return rows;
        }
    }

    /** Waits until {@code condition} holds, failing the test with {@code what} after {@code within}. */
    static void waitFor(java.util.function.BooleanSupplier condition, java.time.Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "waited " + within.toSeconds() + " s for " + what);
            Thread.sleep(100);
        }
    }

    static final String TOKEN_SECRET = "integration-tests-secret-integration-tests-secret";
    static final String ORIGIN = "https://chat.test";
    /** The test stack's private VAPID key (any 32 bytes below the curve's order). */
    static final String VAPID_KEY = "3f5c1e9a0b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a";
    /** How long a call of the test stack rings before it is missed. */
    static final java.time.Duration RING_TIMEOUT = java.time.Duration.ofSeconds(3);
    static final int SEARCH_REACH = 500;
    private static Stack stack;
    /** A stack that failed to start is not retried by every test (each try would leak pools). */
    private static Throwable startFailure;
    /** Tests sign up and send far more from one address than people do; RateLimitIT sets its own. */
    static final RateLimits LIMITS = new RateLimits(RateLimits.Rate.parse("1000/15m"), RateLimits.Rate.parse("100000/1m"),
            RateLimits.Rate.parse("100000/1m"), RateLimits.Rate.parse("100000/1m"), RateLimits.Rate.parse("10/1m"),
            RateLimits.Rate.parse("100000/1m"));

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Stack s = stack(context);
        // Work of an earlier test may still be finishing (commands in the queue): retry until the
        // tables can be emptied.
        for (int attempt = 1; ; attempt++) {
            try (Connection c = s.sql(); Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '2s'");
                st.execute("TRUNCATE users, conversations, groups, outbox CASCADE");
                return;
            } catch (SQLException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Stack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return stack(e);
    }

    private static synchronized Stack stack(ExtensionContext context) {
        if (startFailure != null) {
            throw new IllegalStateException("the test stack failed to start (see the first failure)", startFailure);
        }
        if (stack == null) {
            try {
                stack = startStack();
            } catch (RuntimeException | Error e) {
                startFailure = e;
                throw e;
            }
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put("chat-stack", (ExtensionContext.Store.CloseableResource) ChatServers::stopStack);
        }
        return stack;
    }

    private static Stack startStack() {
        String dbUrl = System.getProperty("chat.it.db.url");
        String dbUser;
        String dbPassword;
        AmqpSettings amqp;
        InetSocketAddress memcached;
        if (dbUrl != null) {
            dbUser = required("chat.it.db.user");
            dbPassword = required("chat.it.db.password");
            amqp = new AmqpSettings(required("chat.it.amqp.host"), Integer.parseInt(required("chat.it.amqp.port")),
                    System.getProperty("chat.it.amqp.user", "guest"), System.getProperty("chat.it.amqp.password", "guest"),
                    System.getProperty("chat.it.amqp.vhost", "/"), System.getProperty("chat.it.amqp.cluster", ""));
            String[] mc = required("chat.it.memcached").split(":");
            memcached = new InetSocketAddress(mc[0], Integer.parseInt(mc[1]));
        } else if (DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:15");
            RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.10");
            GenericContainer<?> mc = new GenericContainer<>("memcached:1.6").withExposedPorts(11211);
            pg.start();
            rabbit.start();
            mc.start();
            dbUrl = pg.getJdbcUrl();
            dbUser = pg.getUsername();
            dbPassword = pg.getPassword();
            amqp = new AmqpSettings(rabbit.getHost(), rabbit.getAmqpPort(), rabbit.getAdminUsername(), rabbit.getAdminPassword(), "/");
            memcached = new InetSocketAddress(mc.getHost(), mc.getMappedPort(11211));
        } else {
            throw new IllegalStateException("""
                    Integration tests need real PostgreSQL, RabbitMQ and Memcached, and found neither \
                    external servers (system properties chat.it.db.url, chat.it.amqp.host, chat.it.memcached ...) \
                    nor a Docker engine. Run them with ./chat test, which starts the servers and passes their addresses.""");
        }
        // two api instances on one database and broker: seq allocation and the hand-off of frames
        // are exercised across instances, as in production
        // they announce themselves to the ws-nodes, as in production (the extra instances of some tests do not)
        Map<String, String> announce = Map.of("chat.internal.announce", "true");
        Main.Running api = Main.start(apiConfig("api-it-1", dbUrl, dbUser, dbPassword, 8, amqp, memcached, LIMITS, announce));
        Main.Running apiB = Main.start(apiConfig("api-it-2", dbUrl, dbUser, dbPassword, 8, amqp, memcached, LIMITS, announce));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "it-" + run + "-a";
        String b = "it-" + run + "-b";
        java.util.List<java.net.URI> apis = java.util.List.of(java.net.URI.create("http://127.0.0.1:" + api.internalPort()),
                java.net.URI.create("http://127.0.0.1:" + apiB.internalPort()));
        dev.chat.ws.Main.Running nodeA = dev.chat.ws.Main.start(nodeConfig(a, amqp, memcached, apis));
        dev.chat.ws.Main.Running nodeB = dev.chat.ws.Main.start(nodeConfig(b, amqp, memcached, apis));
        return new Stack("http://127.0.0.1:" + api.port(), api, "http://127.0.0.1:" + apiB.port(), apiB,
                nodeA, a, nodeB, b, dbUrl, dbUser, dbPassword, amqp, memcached);
    }

    /** An extra api instance on the stack's database and broker, for tests that change one of its parts. */
    static ApiConfig apiConfig(Stack stack, String id, String dbUrl, InetSocketAddress memcached, RateLimits limits) {
        return apiConfig(id, dbUrl, stack.dbUser(), stack.dbPassword(), 4, stack.amqp(), memcached, limits);
    }

    /** An extra api instance on the stack's servers, with {@code more} settings over the usual ones. */
    static ApiConfig apiConfig(Stack stack, String id, Map<String, String> more) {
        return apiConfig(id, stack.dbUrl(), stack.dbUser(), stack.dbPassword(), 4, stack.amqp(), stack.memcached(), LIMITS, more);
    }

    private static ApiConfig apiConfig(String id, String dbUrl, String dbUser, String dbPassword, int poolSize,
                                       AmqpSettings amqp, InetSocketAddress memcached, RateLimits limits) {
        return apiConfig(id, dbUrl, dbUser, dbPassword, poolSize, amqp, memcached, limits, Map.of());
    }

    /** api's settings for a test instance: its application.yaml (every default) under these, on free ports. */
    private static ApiConfig apiConfig(String id, String dbUrl, String dbUser, String dbPassword, int poolSize,
                                       AmqpSettings amqp, InetSocketAddress memcached, RateLimits limits,
                                       Map<String, String> more) {
        Map<String, String> s = servers(amqp, memcached);
        s.put("chat.instance.id", id);
        s.put("chat.http.port", "0");
        s.put("chat.internal.port", "0");
        s.put("chat.db.url", dbUrl);
        s.put("chat.db.user", dbUser);
        s.put("chat.db.password", dbPassword);
        s.put("chat.db.pool.size", String.valueOf(poolSize));
        s.put("chat.cookie.secure", "false");
        s.put("chat.limits.login.account", spec(limits.loginFailuresPerAccount()));
        s.put("chat.limits.login.address", spec(limits.loginsPerAddress()));
        s.put("chat.limits.signup.address", spec(limits.signupsPerAddress()));
        s.put("chat.limits.sends.user", spec(limits.sendsPerUser()));
        s.put("chat.limits.invites.user", spec(limits.invalidInvitesPerUser()));
        s.put("chat.limits.uploads.user", spec(limits.uploadsPerUser()));
        // coturn of ./chat test (its address and secret); calls ring for 3 s, so a missed call is quick to see
        s.put("chat.calls.turn.urls", System.getProperty("chat.it.turn", "127.0.0.1:3478"));
        s.put("chat.calls.turn.secret", System.getProperty("chat.it.turn.secret", ""));
        s.put("chat.calls.ring.timeout.seconds", String.valueOf(RING_TIMEOUT.toSeconds()));
        // a search of several words reads the newest 500 messages backwards, then the index: SearchIT crosses that line
        s.put("chat.search.reach", String.valueOf(SEARCH_REACH));
        // Web Push: one VAPID key for every instance, and PushIT's push service on loopback http
        s.put("chat.push.vapid.key", VAPID_KEY);
        s.put("chat.push.loopback", "true");
        // an extra instance of a test (strict limits, a cut database) takes no frames from the stack's ws-nodes
        s.put("chat.internal.announce", "false");
        s.putAll(more);
        return ApiConfig.from(settings(s, ApiConfig.DEFAULTS));
    }

    /** A ws-node's settings for a test node: its application.yaml (every default) under these, on a free port. */
    static NodeConfig nodeConfig(String id, AmqpSettings amqp, InetSocketAddress memcached, java.util.List<java.net.URI> apis) {
        Map<String, String> s = servers(amqp, memcached);
        s.put("chat.node.id", id);
        s.put("chat.ws.port", "0");
        s.put("chat.allowed.origins", ORIGIN);
        s.put("chat.api.urls", String.join(",", apis.stream().map(Object::toString).toList()));
        return NodeConfig.from(settings(s, NodeConfig.DEFAULTS));
    }

    /** The settings api and ws-node share: where the broker and Memcached are, and the token secret. */
    static Map<String, String> servers(AmqpSettings amqp, InetSocketAddress memcached) {
        Map<String, String> s = new HashMap<>();
        s.put("chat.amqp.host", amqp.host());
        s.put("chat.amqp.port", String.valueOf(amqp.port()));
        s.put("chat.amqp.user", amqp.username());
        s.put("chat.amqp.password", amqp.password());
        s.put("chat.amqp.vhost", amqp.virtualHost());
        s.put("chat.amqp.cluster", amqp.cluster());
        s.put("chat.memcached", memcached.getHostString() + ":" + memcached.getPort());
        s.put("chat.token.secret", TOKEN_SECRET);
        return s;
    }

    /** A module's defaults under {@code overrides}; not the environment, where ./chat test puts its own stack's limits. */
    private static Config settings(Map<String, String> overrides, String defaults) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), ConfigSources.classpath(defaults)).build();
    }

    private static String spec(RateLimits.Rate rate) {
        return rate.max() + "/" + rate.window().toSeconds() + "s";
    }

    private static void stopStack() {
        if (stack != null) {
            stack.nodeA().stop();
            stack.nodeB().stop();
            stack.api().stop();
            stack.apiB().stop();
            stack = null;
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("missing system property " + property + " (./chat test sets it)");
        }
        return v;
    }
}
