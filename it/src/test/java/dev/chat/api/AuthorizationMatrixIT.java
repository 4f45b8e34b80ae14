package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.TypingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may call what. Every operation of the OpenAPI document is called by five callers: nobody
 * (anonymous), eve (signed in, belongs to nothing), root (a site admin who belongs to nothing),
 * bob (a member of the chat or group, not its admin) and ana (the group's owner). What each must get
 * follows from the operation's class, declared below; an operation missing from this table fails
 * the test, so a new route cannot ship without someone deciding who may call it. Each operation gets
 * fresh fixtures (a chat, a group with a channel and an invite), so destructive calls don't interfere.
 * The same for every WebSocket frame that names a conversation.
 */
@ExtendWith(ChatServers.class)
class AuthorizationMatrixIT {
    /** Who may call an operation. */
    enum Access {
        /** anyone, signed in or not */
        PUBLIC,
        /** anyone signed in; the resource, if any, is not private (a person, an invite token) */
        USER,
        /** members of the chat or group named in the path */
        MEMBER,
        /** admins and the owner of the group named in the path */
        GROUP_ADMIN,
        /** site admins */
        ADMIN
    }

    private record Rule(Access access, String body) {
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    private static void rule(String operation, Access access, String body) {
        RULES.put(operation, new Rule(access, body));
    }

    static {
        for (String op : List.of("POST /api/auth/signup", "POST /api/auth/login", "POST /api/auth/refresh",
                "POST /api/auth/logout", "GET /api/openapi.yaml", "GET /health/live", "GET /health/ready",
                "GET /api/push/key")) {
            rule(op, Access.PUBLIC, null);
        }
        rule("GET /api/me", Access.USER, null);
        rule("PATCH /api/me", Access.USER, "{\"bio\":\"hello\"}");
        rule("GET /api/users/{username}", Access.USER, null);
        rule("GET /api/users", Access.USER, null);
        rule("GET /api/conversations", Access.USER, null);
        rule("POST /api/conversations", Access.USER, "{\"kind\":\"direct\",\"username\":\"$peerName\"}");
        rule("GET /api/contacts", Access.USER, null);
        rule("PUT /api/contacts/{userId}", Access.USER, "{\"alias\":\"Pal\"}");
        rule("DELETE /api/contacts/{userId}", Access.USER, null);
        rule("GET /api/groups", Access.USER, null);
        rule("POST /api/groups", Access.USER, "{\"name\":\"Another group\"}");
        rule("GET /api/invites/{token}", Access.USER, null);
        rule("POST /api/invites/{token}/join", Access.USER, null);
        rule("GET /api/presence", Access.USER, null);
        // anyone signed in may search; what they find is checked below (searchFinds)
        rule("GET /api/search/messages", Access.USER, null);
        rule("GET /api/search/conversations", Access.USER, null);
        // TURN credentials for the caller themself: anyone signed in
        rule("GET /api/calls/ice-servers", Access.USER, null);
        // Web Push: my own devices and settings (the key above is public)
        rule("PUT /api/push/subscriptions", Access.USER, "{\"endpoint\":\"https://push.example/sub/$uuid\",\"keys\":{"
                + "\"p256dh\":\"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4\","
                + "\"auth\":\"BTBZMqHH6r4Tts7J_aSIgg\"}}");
        rule("DELETE /api/push/subscriptions", Access.USER, "{\"endpoint\":\"https://push.example/sub/gone\"}");
        rule("GET /api/push/settings", Access.USER, null);
        rule("PUT /api/push/settings", Access.USER, "{\"previews\":true}");
        // an upload names its conversation in the body: a non-member gets 404 conversation_not_found
        rule("POST /api/attachments", Access.USER, "{\"conversation\":\"$chat\",\"name\":\"m.txt\",\"size\":5}");

        rule("GET /api/conversations/{id}", Access.MEMBER, null);
        rule("PATCH /api/conversations/{id}", Access.MEMBER, "{\"pinned\":true}");
        rule("DELETE /api/conversations/{id}", Access.MEMBER, null);
        rule("GET /api/conversations/{id}/messages", Access.MEMBER, null);
        rule("POST /api/conversations/{id}/messages", Access.MEMBER, "{\"clientMsgId\":\"$uuid\",\"text\":\"hi\"}");
        rule("POST /api/conversations/{id}/read", Access.MEMBER, "{\"seq\":1}");
        rule("POST /api/conversations/{id}/delivered", Access.MEMBER, "{\"seq\":1}");
        rule("POST /api/conversations/{id}/clear", Access.MEMBER, null);
        rule("PATCH /api/conversations/{id}/messages/{seq}", Access.MEMBER, "{\"text\":\"edited\"}");
        rule("DELETE /api/conversations/{id}/messages/{seq}", Access.MEMBER, null);
        rule("GET /api/conversations/{id}/messages/{seq}/readers", Access.MEMBER, null);
        rule("POST /api/conversations/{id}/messages/{seq}/hide", Access.MEMBER, null);
        rule("PUT /api/conversations/{id}/messages/{seq}/reactions/{emoji}", Access.MEMBER, null);
        rule("DELETE /api/conversations/{id}/messages/{seq}/reactions/{emoji}", Access.MEMBER, null);
        rule("GET /api/conversations/{id}/changes", Access.MEMBER, null);
        rule("GET /api/conversations/{id}/huddle", Access.MEMBER, null);
        // bob uploaded and sent the fixture's picture: its uploader and the chat's members may read it
        rule("GET /api/attachments/{id}", Access.MEMBER, null);
        rule("PUT /api/attachments/{id}/chunks/{index}", Access.MEMBER, null);
        rule("POST /api/attachments/{id}/complete", Access.MEMBER, null);
        rule("GET /api/attachments/{id}/content", Access.MEMBER, null);
        rule("GET /api/attachments/{id}/thumbnail", Access.MEMBER, null);
        rule("GET /api/groups/{group}", Access.MEMBER, null);
        rule("GET /api/groups/{group}/members", Access.MEMBER, null);
        rule("DELETE /api/groups/{group}/members/{user}", Access.MEMBER, null); // {user} is bob: leaving

        rule("PATCH /api/groups/{group}", Access.GROUP_ADMIN, "{\"description\":\"new\"}");
        rule("DELETE /api/groups/{group}", Access.GROUP_ADMIN, null);
        rule("POST /api/groups/{group}/members", Access.GROUP_ADMIN, "{\"username\":\"$peerName\"}");
        rule("PATCH /api/groups/{group}/members/{user}", Access.GROUP_ADMIN, "{\"role\":\"admin\"}");
        rule("POST /api/groups/{group}/transfer", Access.GROUP_ADMIN, "{\"userId\":\"$bob\"}");
        rule("POST /api/groups/{group}/channels", Access.GROUP_ADMIN, "{\"name\":\"new-$n\"}");
        rule("PATCH /api/groups/{group}/channels/{channel}", Access.GROUP_ADMIN, "{\"name\":\"renamed-$n\"}");
        rule("DELETE /api/groups/{group}/channels/{channel}", Access.GROUP_ADMIN, null);
        rule("GET /api/groups/{group}/invites", Access.GROUP_ADMIN, null);
        rule("POST /api/groups/{group}/invites", Access.GROUP_ADMIN, "{}");
        rule("DELETE /api/groups/{group}/invites/{invite}", Access.GROUP_ADMIN, null);
    }

    private static final Set<Integer> HIDDEN = Set.of(403, 404);

    @Test
    void everyOperationAnswersEachCallerAsItsAccessSays(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        TestClient root = AdminIT.admin(stack, "root");

        String doc = TestClient.request(stack.apiUrl(), "GET", "/api/openapi.yaml", null, null).raw();
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        int n = 0;
        for (String[] op : OpenApiIT.operations(doc)) {
            String name = op[0] + " " + op[1];
            boolean admin = op[1].startsWith("/api/admin/");
            Rule rule = admin ? new Rule(Access.ADMIN, "{}") : RULES.get(name);
            if (rule == null) {
                wrong.add(name + ": not in the matrix; decide who may call it and add it to RULES");
                continue;
            }
            n++;
            Fixture f = Fixture.create(stack, ana, bob, n);
            // admin routes act on the fixture's throwaway peer, not on bob, whose session the other checks need
            String path = f.fill(admin ? op[1].replace("{user}", f.peer().id.toString()) : op[1]) + f.query(op[1]);
            String body = rule.body() == null ? (op[0].equals("GET") || op[0].equals("DELETE") ? null : "{}") : f.fill(rule.body());
            Map<String, TestClient> callers = new LinkedHashMap<>();
            callers.put("anonymous", null);
            callers.put("eve", eve);
            callers.put("root", root);
            callers.put("bob", bob);
            callers.put("ana", ana);
            for (Map.Entry<String, TestClient> caller : callers.entrySet()) {
                if (rule.access() == Access.PUBLIC) {
                    break; // their answers are the business of AuthIT and HealthIT
                }
                TestClient c = caller.getValue();
                TestClient.Response r = TestClient.request(stack.apiUrl(), op[0], path, c == null ? null : c.token,
                        body == null ? null : body.replace("$uuid", UUID.randomUUID().toString()));
                calls++;
                String expected = expected(rule.access(), caller.getKey(), r.status());
                if (expected != null) {
                    wrong.add(name + " as " + caller.getKey() + ": " + r.status() + " " + r.raw() + " (expected " + expected + ")");
                }
                if (op[1].startsWith("/api/search/") && c != null) {
                    searchFinds(name + " as " + caller.getKey(), c, r, caller.getKey().equals("bob"), wrong);
                }
                if (rule.access() == Access.MEMBER && caller.getKey().equals("bob")) {
                    break; // bob's call may have changed what ana would find
                }
            }
        }
        System.out.printf("authorization matrix: %d operations, %d calls, %d wrong%n", n, calls, wrong.size());
        assertEquals(List.of(), wrong);
        assertTrue(calls > 150, "calls made: " + calls);
    }

    /**
     * A search answer holds nothing of a conversation the caller cannot read (each result's
     * conversation is one of theirs); bob, a member of the fixture's chat, must find it, so the check
     * can fail.
     */
    private static void searchFinds(String who, TestClient caller, TestClient.Response r, boolean mustFind, List<String> wrong) {
        java.util.Set<String> readable = new java.util.HashSet<>();
        caller.get("/api/conversations").body().path("conversations").forEach(c -> readable.add(c.path("id").asText()));
        List<String> found = new ArrayList<>();
        r.body().path("results").forEach(x -> found.add(x.path("conversation").asText()));
        r.body().path("conversations").forEach(x -> found.add(x.path("id").asText()));
        for (String conversation : found) {
            if (!readable.contains(conversation)) {
                wrong.add(who + ": found something of conversation " + conversation + ", which they cannot read");
            }
        }
        if (mustFind && found.isEmpty()) {
            wrong.add(who + ": found nothing of the fixture's chat, of which bob is a member: " + r.raw());
        }
    }

    /** What a caller must get, or null when the answer is right. */
    private static String expected(Access access, String caller, int status) {
        if (caller.equals("anonymous")) {
            return status == 401 ? null : "401";
        }
        boolean ok = status >= 200 && status < 300;
        return switch (access) {
            case PUBLIC -> null;
            case USER -> status == 401 || status == 403 || status >= 500 ? "any answer a signed-in user may get" : null;
            case ADMIN -> caller.equals("root")
                    ? (status == 401 || status == 403 || status >= 500 ? "not 401/403: root is an admin" : null)
                    : (status == 403 ? null : "403");
            case MEMBER -> switch (caller) {
                case "eve", "root" -> HIDDEN.contains(status) ? null : "403 or 404: not a member";
                case "bob" -> ok ? null : "2xx: a member";
                default -> null;
            };
            case GROUP_ADMIN -> switch (caller) {
                case "eve", "root" -> HIDDEN.contains(status) ? null : "403 or 404: not a member";
                case "bob" -> status == 403 ? null : "403: a member but not an admin";
                default -> ok ? null : "2xx: the owner";
            };
        };
    }

    /**
     * A chat (bob and a fresh peer, with a message of bob's and a picture bob sent) and a group (ana
     * owns; bob a member), per operation.
     */
    private record Fixture(String chat, long bobSeq, String group, String channel, String invite, String token,
                           TestClient peer, UUID bob, int n, String attachment) {
        static Fixture create(ChatServers.Stack stack, TestClient ana, TestClient bob, int n) {
            TestClient peer = TestClient.signUp(stack.apiUrl(), "peer" + n);
            UUID chat = bob.openDirect(peer.username);
            TestClient.Response sent = bob.send(chat, "matrix-" + n + "-bob", "from bob");
            peer.send(chat, "matrix-" + n + "-peer", "from the peer");
            JsonNode group = ana.post("/api/groups", "{\"name\":\"Matrix " + n + "\"}").body();
            String g = group.path("id").asText();
            ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
            String channel = ana.post("/api/groups/" + g + "/channels", "{\"name\":\"side\"}").body().path("id").asText();
            JsonNode invite = ana.post("/api/groups/" + g + "/invites", "{}").body();
            return new Fixture(chat.toString(), sent.body().path("seq").asLong(), g, channel, invite.path("id").asText(),
                    invite.path("token").asText(), peer, bob.id, n, picture(bob, chat, n));
        }

        /** A small PNG uploaded, completed and sent by bob; its attachment id. */
        private static String picture(TestClient bob, UUID chat, int n) {
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            try {
                javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String id = bob.post("/api/attachments", "{\"conversation\":\"" + chat + "\",\"name\":\"m.png\",\"size\":" + png.size()
                    + ",\"contentType\":\"image/png\"}").body().path("id").asText();
            bob.putBytes("/api/attachments/" + id + "/chunks/0", png.toByteArray());
            bob.post("/api/attachments/" + id + "/complete", null);
            bob.post("/api/conversations/" + chat + "/messages",
                    "{\"clientMsgId\":\"matrix-" + n + "-picture\",\"attachment\":\"" + id + "\"}");
            return id;
        }

        String fill(String template) {
            if (template.startsWith("/api/attachments/{id}")) {
                template = template.replace("{id}", attachment);
            }
            return template.replace("{id}", chat).replace("{index}", "0").replace("{emoji}", "%F0%9F%91%8D")
                    .replace("$chat", chat).replace("{seq}", Long.toString(bobSeq)).replace("{group}", group)
                    .replace("{channel}", channel).replace("{invite}", invite).replace("{token}", token)
                    .replace("{user}", bob.toString()).replace("{userId}", peer.id.toString())
                    .replace("{username}", peer.username).replace("$peerName", peer.username).replace("$bob", bob.toString())
                    .replace("$n", Integer.toString(n));
        }

        String query(String template) {
            return switch (template) {
                case "/api/users" -> "?q=peer";
                case "/api/search/messages" -> "?q=from";
                case "/api/search/conversations" -> "?q=peer";
                case "/api/presence" -> "?users=" + peer.id;
                case "/api/conversations/{id}/changes" -> "?since=0";
                case "/api/admin/conversations/{id}/messages/{seq}", "/api/admin/groups/{group}",
                     "/api/admin/groups/{group}/members/{user}" -> "?reason=matrix";
                default -> "";
            };
        }
    }

    @Test
    void everyConversationFrameFromANonMemberIsRefused(ChatServers.Stack stack) throws Exception {
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "cyd");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = bob.openDirect("cyd");
        bob.send(chat, "frames-0001", "private");
        TestClient.Socket ws = eve.connect(stack.wsUrlA());
        ws.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
        List<ClientFrame> frames = List.of(
                new ClientFrame.Send("m1", chat, "frames-eve-1", "let me in"),
                new ClientFrame.Read("m2", chat, 1),
                new ClientFrame.Delivered("m3", chat, 1),
                new ClientFrame.Typing("m4", chat, TypingState.START),
                new ClientFrame.React("m5", chat, 1, "👍", true),
                new ClientFrame.CallInvite("m6", chat, UUID.randomUUID(), "v=0\r\n", false),
                new ClientFrame.CallAnswer("m7", chat, UUID.randomUUID(), "v=0\r\n"),
                new ClientFrame.CallStep("m8", chat, UUID.randomUUID(), dev.chat.protocol.FrameType.CALL_HANGUP),
                new ClientFrame.CallIce("m9", chat, UUID.randomUUID(), "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0),
                new ClientFrame.CallMedia("m10", chat, UUID.randomUUID(), true, true),
                new ClientFrame.CallRenegotiate("m11", chat, UUID.randomUUID(), "v=0\r\n", true));
        for (ClientFrame f : frames) {
            ws.send(f);
            ServerFrame.Error error = ws.next(ServerFrame.Error.class, Duration.ofSeconds(5));
            assertEquals(f.id(), error.id(), f.toString());
            assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, error.code(), f + ": " + error);
        }
        assertEquals(1, bob.get("/api/conversations/" + chat + "/messages").body().path("messages").size(), "nothing got in");
    }
}
