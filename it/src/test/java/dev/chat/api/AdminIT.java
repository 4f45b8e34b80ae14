package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.api.db.Db;
import dev.chat.fanout.Topology;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API against the real stack: access, session revocation, moderation, announcements, audit, figures. */
@ExtendWith(ChatServers.class)
class AdminIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The route list comes from the OpenAPI document, so a new admin route cannot skip the check. */
    @Test
    void everyAdminRouteRefusesAnonymousWith401AndUsersWith403(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        String yaml = TestClient.request(stack.apiUrl(), "GET", "/api/openapi.yaml", null, null).raw();
        List<String[]> admin = OpenApiIT.operations(yaml).stream().filter(op -> op[1].startsWith("/api/admin/")).toList();
        assertTrue(admin.size() >= 15, "admin operations documented: " + admin.size());
        for (String[] op : admin) {
            String path = op[1].replace("{user}", UUID.randomUUID().toString()).replace("{group}", UUID.randomUUID().toString())
                    .replace("{id}", UUID.randomUUID().toString()).replace("{seq}", "1");
            String body = op[0].equals("GET") || op[0].equals("DELETE") ? null : "{}";
            TestClient.Response anonymous = TestClient.request(stack.apiUrl(), op[0], path, null, body);
            assertEquals(401, anonymous.status(), op[0] + " " + op[1] + " anonymous");
            assertEquals("unauthenticated", anonymous.body().path("code").asText());
            TestClient.Response user = TestClient.request(stack.apiUrl(), op[0], path, ana.token, body);
            assertEquals(403, user.status(), op[0] + " " + op[1] + " as a user");
            assertEquals("forbidden", user.body().path("code").asText());
        }
    }

    @Test
    void bootstrapCreatesThenPromotesWithoutADefaultPassword(ChatServers.Stack stack) throws Exception {
        DbClient client = DbClient.create(Config.just(ConfigSources.create(Map.of("source", "jdbc",
                "connection.url", stack.dbUrl(), "connection.username", stack.dbUser(),
                "connection.password", stack.dbPassword(), "connection.maximumPoolSize", "1"))));
        try {
            Db db = new Db(client);
            assertEquals(AdminBootstrap.Outcome.CREATED, AdminBootstrap.ensure(db, "root", "a long admin password"));
            TestClient.Response login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                    "{\"username\":\"root\",\"password\":\"a long admin password\",\"session\":\"bearer\"}");
            assertEquals(200, login.status());
            assertEquals(200, TestClient.request(stack.apiUrl(), "GET", "/api/admin/stats",
                    login.body().path("accessToken").asText(), null).status(), "the new admin can use the admin API");
            TestClient.signUp(stack.apiUrl(), "bea");
            assertEquals(AdminBootstrap.Outcome.PROMOTED, AdminBootstrap.ensure(db, "bea", null));
            assertEquals(AdminBootstrap.Outcome.ALREADY_ADMIN, AdminBootstrap.ensure(db, "bea", null));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> AdminBootstrap.ensure(db, "nobody", null), "a new admin needs a password");
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> AdminBootstrap.ensure(db, "nobody", "password1"), "not a commonly used password");
            assertEquals(0, count(stack, "SELECT count(*) FROM users WHERE username = 'nobody'"));
        } finally {
            client.close();
        }
    }

    @Test
    void disablingClosesLiveSocketsOnBothNodesWithinASecondAndLocksTheAccountOut(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.Socket onA = ana.connect(stack.wsUrlA());
        TestClient.Socket onB = ana.connect(stack.wsUrlB());
        onA.next(ServerFrame.Welcome.class, WAIT);
        onB.next(ServerFrame.Welcome.class, WAIT);

        long start = System.nanoTime();
        TestClient.Response disabled = root.post("/api/admin/users/" + ana.id + "/disable", "{\"reason\":\"spam\"}");
        assertEquals(200, disabled.status(), disabled.raw());
        assertTrue(disabled.body().path("disabled").asBoolean());
        assertEquals(4401, onA.closeCode.get(1, TimeUnit.SECONDS), "node A closed ana's socket");
        assertEquals(4401, onB.closeCode.get(1, TimeUnit.SECONDS), "node B closed ana's socket");
        long closedMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("disable -> both sockets closed in %d ms%n", closedMs);
        assertTrue(closedMs < 1000, "within a second: " + closedMs + " ms");

        TestClient.Response rest = ana.get("/api/conversations");
        assertEquals(401, rest.status());
        assertEquals("account_disabled", rest.body().path("code").asText());
        TestClient.Socket again = ana.connect(stack.wsUrlA());
        assertEquals(4401, again.closeCode.get(2, TimeUnit.SECONDS), "the old token cannot open a socket");
        TestClient.Response login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(401, login.status(), "a disabled account cannot log in");
        assertEquals(0, count(stack, "SELECT count(*) FROM refresh_tokens WHERE user_id = '" + ana.id + "'"), "refresh tokens revoked");

        assertEquals(400, root.post("/api/admin/users/" + ana.id + "/disable", "{}").status(), "a reason is required");
        assertEquals(200, root.post("/api/admin/users/" + ana.id + "/enable", "{}").status());
        // no waiting: a login right after the enable (in the same second as the revocation) works at once
        login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(200, login.status(), "enabled again");
        assertEquals(200, TestClient.request(stack.apiUrl(), "GET", "/api/conversations",
                login.body().path("accessToken").asText(), null).status());
    }

    /**
     * A login right after a forced logout or a disable-then-enable (the same second, as the
     * revocation) gets a session that works at once and stays working: REST on both api instances,
     * sockets on both nodes (the revocation reaching a node after the socket opened closes only
     * older sessions), and its refresh token. The revocation is started just after a second begins,
     * so that the login falls in the same second.
     */
    @Test
    void aLoginRightAfterARevocationWorksAtOnce(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        TestClient.signUp(stack.apiUrl(), "ana");
        for (String revocation : List.of("logout", "disable")) {
            TestClient old = login(stack);
            TestClient.Socket oldSocket = old.connect(stack.wsUrlB());
            oldSocket.next(ServerFrame.Welcome.class, WAIT);
            startOfASecond();
            long revokedAtSecond = System.currentTimeMillis() / 1000;
            if (revocation.equals("logout")) {
                assertEquals(204, root.post("/api/admin/users/" + old.id + "/logout", "{}").status());
            } else {
                assertEquals(200, root.post("/api/admin/users/" + old.id + "/disable", "{\"reason\":\"test\"}").status());
                assertEquals(200, root.post("/api/admin/users/" + old.id + "/enable", "{}").status());
            }
            TestClient.Response fresh = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                    "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
            assertEquals(200, fresh.status(), revocation + ": " + fresh.raw());
            long loggedInAtSecond = System.currentTimeMillis() / 1000;
            TestClient ana = TestClient.withToken(stack.apiUrl(), "ana", fresh.body().path("accessToken").asText(), old.id);
            TestClient.Response me = ana.get("/api/me");
            assertEquals(200, me.status(), revocation + ": the new token works at once: " + me.raw());
            assertEquals(200, ana.via(stack.apiUrlB()).get("/api/me").status(), revocation + ": on the other instance too");
            TestClient.Socket onA = ana.connect(stack.wsUrlA());
            TestClient.Socket onB = ana.connect(stack.wsUrlB());
            onA.next(ServerFrame.Welcome.class, WAIT);
            onB.next(ServerFrame.Welcome.class, WAIT);
            assertEquals(4401, oldSocket.closeCode.get(2, TimeUnit.SECONDS), revocation + ": the older session's socket is closed");
            Thread.sleep(300);
            assertFalse(onA.closeCode.isDone(), revocation + ": the new session's socket on node A stays open");
            assertFalse(onB.closeCode.isDone(), revocation + ": the new session's socket on node B stays open");
            assertEquals(401, old.get("/api/me").status(), revocation + ": the older token stays refused");
            TestClient.Response refreshed = TestClient.request(stack.apiUrl(), "POST", "/api/auth/refresh", null,
                    "{\"refreshToken\":\"" + fresh.body().path("refreshToken").asText() + "\"}");
            assertEquals(200, refreshed.status(), revocation + ": " + refreshed.raw());
            assertEquals(200, TestClient.request(stack.apiUrl(), "GET", "/api/me",
                    refreshed.body().path("accessToken").asText(), null).status(), revocation + ": the refreshed token works");
            System.out.printf("%s: revoked in second %d, logged in in second %d%n", revocation, revokedAtSecond, loggedInAtSecond);
            onA.ws.sendClose(1000, "done");
            onB.ws.sendClose(1000, "done");
        }
    }

    private static TestClient login(ChatServers.Stack stack) {
        TestClient.Response r = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(200, r.status(), r.raw());
        return TestClient.withToken(stack.apiUrl(), "ana", r.body().path("accessToken").asText(),
                UUID.fromString(r.body().at("/user/id").asText()));
    }

    /** Waits until a wall-clock second has just begun (its first 100 ms). */
    private static void startOfASecond() throws InterruptedException {
        long ms = System.currentTimeMillis() % 1000;
        if (ms > 100) {
            Thread.sleep(1000 - ms + 5);
        }
    }

    @Test
    void forceLogoutEndsSessionsButNotTheAccount(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.Socket socket = ana.connect(stack.wsUrlB());
        socket.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(204, root.post("/api/admin/users/" + ana.id + "/logout", "{\"reason\":\"lost phone\"}").status());
        assertEquals(4401, socket.closeCode.get(1, TimeUnit.SECONDS));
        TestClient.Response rest = ana.get("/api/me");
        assertEquals(401, rest.status());
        assertEquals("unauthenticated", rest.body().path("code").asText());
        TestClient.Response login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(200, login.status(), "the account itself is fine");
        assertEquals(200, TestClient.request(stack.apiUrl(), "GET", "/api/me",
                login.body().path("accessToken").asText(), null).status(), "and the new session works at once");
    }

    @Test
    void moderationDeletesAnyMessageAndBothMembersSeeTheTombstoneLive(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(201, ana.post("/api/conversations/" + chat + "/messages",
                "{\"clientMsgId\":\"rude-000001\",\"text\":\"something rude\"}").status());
        bobWs.next(ServerEvent.MessageCreated.class, WAIT);

        String path = "/api/admin/conversations/" + chat + "/messages/1";
        assertEquals(400, TestClient.request(stack.apiUrl(), "DELETE", path, root.token, null).status(), "a reason is required");
        TestClient.Response deleted = TestClient.request(stack.apiUrl(), "DELETE", path + "?reason=abuse", root.token, null);
        assertEquals(200, deleted.status(), deleted.raw());
        assertTrue(deleted.body().path("deleted").asBoolean());
        for (TestClient.Socket ws : List.of(anaWs, bobWs)) {
            ServerEvent.MessageDeleted event = ws.next(ServerEvent.MessageDeleted.class, WAIT);
            assertEquals(1, event.seq());
            assertTrue(event.moderated());
            assertEquals("", event.tombstone().text());
        }
        assertEquals(404, TestClient.request(stack.apiUrl(), "DELETE",
                "/api/admin/conversations/" + chat + "/messages/99?reason=x", root.token, null).status());
    }

    @Test
    void announcementsReachEverySocketOnBothNodes(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        List<TestClient.Socket> sockets = new ArrayList<>();
        for (String name : List.of("ana", "bob", "cyd")) {
            TestClient c = TestClient.signUp(stack.apiUrl(), name);
            sockets.add(c.connect(stack.wsUrlA()));
            sockets.add(c.connect(stack.wsUrlB()));
        }
        for (TestClient.Socket s : sockets) {
            s.next(ServerFrame.Welcome.class, WAIT);
        }
        assertEquals(400, root.post("/api/admin/announcements", "{\"text\":\"\"}").status());
        TestClient.Response sent = root.post("/api/admin/announcements", "{\"text\":\"Maintenance at 22:00 UTC\"}");
        assertEquals(202, sent.status(), sent.raw());
        for (TestClient.Socket s : sockets) {
            ServerEvent.Announcement a = s.next(ServerEvent.Announcement.class, WAIT);
            assertEquals("Maintenance at 22:00 UTC", a.text());
            assertEquals("root", a.by());
        }
    }

    @Test
    void usersGroupsAuditStatsAndNodes(ChatServers.Stack stack) throws Exception {
        TestClient root = admin(stack, "root");
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "anabel");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        ana.post("/api/conversations/" + chat + "/messages", "{\"clientMsgId\":\"stats-000001\",\"text\":\"hi\"}");

        JsonNode page = root.get("/api/admin/users?q=ana&limit=1").body();
        assertEquals(2, page.path("total").asLong(), "ana and anabel");
        assertEquals(1, page.path("users").size(), "paged");
        assertEquals(1, root.get("/api/admin/users?role=admin").body().path("total").asLong());
        assertEquals(400, root.get("/api/admin/users?role=king").status());
        assertEquals(400, root.get("/api/admin/users?createdAfter=yesterday").status());
        assertEquals(400, root.get("/api/admin/users?limit=0").status());
        JsonNode one = root.get("/api/admin/users/" + ana.id).body();
        assertEquals(1, one.at("/counts/messages").asLong());
        assertEquals(1, one.at("/counts/conversations").asLong());
        assertEquals(404, root.get("/api/admin/users/" + UUID.randomUUID()).status());

        assertEquals(403, TestClient.request(stack.apiUrl(), "PATCH", "/api/admin/users/" + root.id, root.token,
                "{\"role\":\"user\"}").status(), "no admin demotes themselves");
        TestClient.Response promoted = TestClient.request(stack.apiUrl(), "PATCH", "/api/admin/users/" + bob.id, root.token,
                "{\"role\":\"admin\",\"reason\":\"new moderator\"}");
        assertEquals("admin", promoted.body().path("role").asText());
        assertEquals(200, bob.get("/api/admin/stats").status(), "the new role counts at once, before bob's token is renewed");

        String group = ana.post("/api/groups", "{\"name\":\"Book club\"}").body().path("id").asText();
        assertEquals(1, root.get("/api/admin/groups?q=book").body().path("total").asLong());
        JsonNode g = root.get("/api/admin/groups/" + group).body();
        assertEquals(1, g.path("members").size());
        assertTrue(g.path("channels").size() >= 1);
        assertEquals(409, TestClient.request(stack.apiUrl(), "DELETE", "/api/admin/groups/" + group + "/members/" + ana.id,
                root.token, null).status(), "the owner cannot be removed");
        assertEquals(204, TestClient.request(stack.apiUrl(), "DELETE", "/api/admin/groups/" + group + "?reason=spam",
                root.token, null).status());
        assertEquals(404, root.get("/api/admin/groups/" + group).status());

        JsonNode audit = root.get("/api/admin/audit").body();
        List<String> actions = new ArrayList<>();
        audit.path("entries").forEach(e -> actions.add(e.path("action").asText()));
        assertEquals(List.of("group.delete", "user.role"), actions, "newest first, every action");
        JsonNode roleChange = audit.path("entries").get(1);
        assertEquals("root", roleChange.at("/actor/username").asText());
        assertEquals(bob.id.toString(), roleChange.path("targetId").asText());
        assertEquals("new moderator", roleChange.path("reason").asText());
        assertEquals("admin", roleChange.at("/details/to").asText());
        JsonNode filtered = root.get("/api/admin/audit?action=group.delete&limit=1").body();
        assertEquals(1, filtered.path("entries").size());
        assertEquals("spam", filtered.at("/entries/0/reason").asText());

        TestClient.Socket socket = ana.connect(stack.wsUrlA());
        socket.next(ServerFrame.Welcome.class, WAIT);
        JsonNode stats = waitFor(() -> root.get("/api/admin/stats").body(),
                s -> s.at("/sockets/" + stack.nodeAId()).asLong() >= 1, "node A reports ana's socket");
        assertEquals(4, stats.at("/users/total").asLong());
        assertTrue(stats.at("/users/online").asLong() >= 1);
        assertEquals(1, stats.at("/messages/lastHour").asLong());
        assertEquals(1, stats.at("/messages/lastDay").asLong());
        JsonNode nodeQueue = stats.at("/queues/" + Topology.nodeQueue(stack.nodeAId()));
        assertTrue(nodeQueue.isNumber() && nodeQueue.asLong() >= 0, "node A reports its own queue's depth: " + stats.at("/queues"));
        assertTrue(stats.has("outboxBacklog"));

        JsonNode nodes = root.get("/api/admin/nodes").body().path("nodes");
        List<String> ids = new ArrayList<>();
        nodes.forEach(n -> ids.add(n.path("kind").asText() + ":" + n.path("id").asText()));
        assertTrue(ids.containsAll(List.of("api:api-it-1", "api:api-it-2", "ws-node:" + stack.nodeAId(), "ws-node:" + stack.nodeBId())), ids.toString());
        nodes.forEach(n -> {
            assertFalse(n.path("version").asText().isEmpty());
            assertTrue(n.path("uptimeSeconds").asLong() >= 0);
        });
    }

    /** A user made admin directly in the database (as the bootstrap does), with a fresh token. */
    static TestClient admin(ChatServers.Stack stack, String name) throws Exception {
        TestClient c = TestClient.signUp(stack.apiUrl(), name);
        try (Connection sql = stack.sql();
             PreparedStatement st = sql.prepareStatement("UPDATE users SET role = 'admin' WHERE id = ?::uuid")) {
            st.setString(1, c.id.toString());
            st.executeUpdate();
        }
        return c;
    }


    static long count(ChatServers.Stack stack, String query) throws Exception {
        try (Connection sql = stack.sql(); var rs = sql.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static JsonNode waitFor(java.util.function.Supplier<JsonNode> read, java.util.function.Predicate<JsonNode> ok, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = read.get();
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        assertNotNull(last);
        throw new AssertionError(what + ": " + last);
    }
}
