package dev.chat.bench;

import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.Secret;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Makes the people a workload needs. Conversations, groups and members are made through the API,
 * as users make them. Accounts are written to the database and given tokens signed with the
 * stack's secret: a sign-up hashes its password with Argon2id (19 MiB, 2 passes), which costs
 * about half a second of CPU in password4j here, so 1,000 sign-ups would take minutes and measure
 * nothing else. {@link #signUp} still signs a sample up through nginx, and the workloads print
 * that rate.
 */
final class Population {
    /** One account and the access token its clients present. */
    record User(UUID id, String username, String token) {
    }

    private final Target target;
    private final Rest rest;
    private final String runTag = Long.toString(System.currentTimeMillis() % 10_000_000, 36);

    Population(Target target, Rest rest) {
        this.target = target;
        this.rest = rest;
    }

    /** Signs up {@code count} users through nginx and the API, a few at a time. */
    List<User> signUp(String prefix, int count) throws Exception {
        Semaphore inFlight = new Semaphore(8);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<User>> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String username = prefix + "_" + runTag + "_" + i;
                made.add(threads.submit(() -> {
                    inFlight.acquire();
                    try {
                        var body = rest.call("POST", "/api/auth/signup", null, Map.of(
                                "username", username, "password", "bench password " + username, "session", "bearer")).ok();
                        return new User(UUID.fromString(body.at("/user/id").asText()), username, body.path("accessToken").asText());
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            List<User> users = new ArrayList<>(count);
            for (Future<User> f : made) {
                users.add(f.get());
            }
            return users;
        }
    }

    /** Signs up a sample through the API and describes the rate. */
    String signUpRate(int sample) throws Exception {
        long t0 = System.nanoTime();
        signUp("signup", sample);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return String.format("%d sign-ups through nginx and the API, 8 at a time: %.1f s (%.1f a second; Argon2id)",
                sample, seconds, sample / seconds);
    }

    /** Writes {@code count} accounts straight to the database and mints their tokens. */
    List<User> seeded(String prefix, int count) throws SQLException {
        AccessTokens tokens = new AccessTokens(new Secret(target.tokenSecret()), Duration.ofHours(2));
        List<User> users = new ArrayList<>(count);
        String base = prefix + "_" + runTag + "_";
        try (Connection c = DriverManager.getConnection(target.dbUrl(), target.dbUser(), target.dbPassword());
             var insert = c.prepareStatement("""
                     INSERT INTO users (username, display_name, password_hash)
                     SELECT ? || i, 'Bench ' || i, 'seeded: cannot log in' FROM generate_series(0, ? - 1) i
                     RETURNING id, username""")) {
            insert.setString(1, base);
            insert.setInt(2, count);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    UUID id = (UUID) rs.getObject(1);
                    String username = rs.getString(2);
                    users.add(new User(id, username, tokens.issue(id, username, "user")));
                }
            }
        }
        return users;
    }

    /** Opens the direct conversation of two users (as the first of them). */
    UUID direct(User a, User b) {
        return UUID.fromString(rest.call("POST", "/api/conversations", a.token(),
                Map.of("kind", "direct", "username", b.username())).ok().path("id").asText());
    }

    /** A group owned by {@code owner} with {@code members} added; returns its #general channel. */
    UUID groupChannel(User owner, List<User> members, String name) throws Exception {
        var group = rest.call("POST", "/api/groups", owner.token(), Map.of("name", name)).ok();
        String groupId = group.path("id").asText();
        Semaphore inFlight = new Semaphore(8);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> adds = new ArrayList<>();
            for (User m : members) {
                if (m.equals(owner)) {
                    continue;
                }
                adds.add(threads.submit(() -> {
                    inFlight.acquire();
                    try {
                        return rest.call("POST", "/api/groups/" + groupId + "/members", owner.token(),
                                Map.of("username", m.username())).ok();
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : adds) {
                f.get();
            }
        }
        var channel = group.path("channels").path(0).path("id");
        if (channel.isMissingNode()) {
            throw new IllegalStateException("the new group has no channel: " + group);
        }
        return UUID.fromString(channel.asText());
    }
}
