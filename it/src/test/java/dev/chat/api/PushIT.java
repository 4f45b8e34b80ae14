package dev.chat.api;

import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.FrameType;
import dev.chat.protocol.ServerEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push end to end through api, with the test suite playing the push service
 * ({@link TestPushService}: it checks every push's VAPID signature against the served key and
 * decrypts it with the device's keys). One scenario: an offline recipient gets exactly one push per
 * message (title, preview, Topic), an online one none; hidden previews hide the words; a muted
 * channel does not push, a mention in it does; a call rings (urgency high); a 410 deletes the subscription; a 429 with
 * Retry-After is tried again after it and delivered once. Bad subscriptions are refused.
 */
@ExtendWith(ChatServers.class)
class PushIT {
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void offlinePeopleArePushedOncePerMessageAsTheyChoseAndGoneSubscriptionsGo(ChatServers.Stack stack) throws Exception {
        try (TestPushService service = new TestPushService(serverKey(stack))) {
            TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
            TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
            TestPushService.Device phone = service.device("bob-phone");
            refusesBadSubscriptions(bob, phone);
            assertEquals(204, bob.put("/api/push/subscriptions", phone.subscription()).status());
            UUID chat = ana.openDirect("bob");

            // offline: one push, signed, encrypted, collapsing per conversation
            ana.send(chat, "push-p-0001", "hello bob, lunch at noon?");
            TestPushService.Push p = service.next(WAIT);
            assertEquals("bob-phone", p.device());
            assertEquals("ana", p.payload().get("title").asText());
            assertEquals("hello bob, lunch at noon?", p.payload().get("body").asText());
            assertEquals(chat.toString(), p.payload().get("conversation").asText());
            assertEquals(topic(chat), p.topic());
            assertEquals("normal", p.urgency());
            assertEquals("86400", p.ttl());

            // online: none (the next push is the message sent after bob left again)
            TestClient.Socket ws = bob.connect(stack.wsUrlA());
            until(() -> "online".equals(presence(ana, bob)), "bob online");
            ana.send(chat, "push-p-0002", "you are here, no push");
            ws.next(ServerEvent.MessageCreated.class, WAIT); // delivered live: bob was online when it was decided
            ws.close();
            until(() -> !"online".equals(presence(ana, bob)), "bob offline");
            assertEquals(200, TestClient.request(stack.apiUrl(), "PUT", "/api/push/settings", bob.token, "{\"previews\":false}").status());
            ana.send(chat, "push-p-0003", "the secret plan");
            p = service.next(WAIT);
            assertEquals("New message", p.payload().get("body").asText(), "previews hidden: " + p.payload());
            assertFalse(p.payload().toString().contains("secret"));
            assertEquals(0, service.waiting(), "the message bob was online for was not pushed");
            TestClient.request(stack.apiUrl(), "PUT", "/api/push/settings", bob.token, "{\"previews\":true}");

            mutedChannelsPushOnlyMentions(stack, ana, bob, service);
            aCallRingsTheirPhone(stack, ana, chat, service);

            // 429 with Retry-After: 1 is tried again after a second, and delivered once
            service.answer("bob-phone", 429);
            ana.send(chat, "push-p-0004", "are you there?");
            TestPushService.Push refused = service.next(WAIT);
            assertEquals(429, refused.answered());
            TestPushService.Push retried = service.next(WAIT);
            assertEquals(201, retried.answered());
            assertEquals("are you there?", retried.payload().get("body").asText());
            assertTrue(Duration.between(refused.at(), retried.at()).toMillis() >= 950, "Retry-After honoured");

            // 410: the subscription is deleted, and nothing more is pushed to it
            service.answer("bob-phone", 410);
            ana.send(chat, "push-p-0005", "last one");
            assertEquals(410, service.next(WAIT).answered());
            until(() -> subscriptions(stack, bob.id) == 0, "the gone subscription deleted");
            assertEquals(0, service.waiting(), "each message was pushed once");
        }
    }

    @Test
    void loggingOutRemovesThatLoginsSubscriptionsOnly(ChatServers.Stack stack) throws Exception {
        try (TestPushService service = new TestPushService(serverKey(stack))) {
            TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
            TestClient bobPhone = TestClient.signUp(stack.apiUrl(), "bob");
            TestClient.Response login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                    "{\"username\":\"bob\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
            assertEquals(200, login.status());
            TestClient bobLaptop = TestClient.withToken(stack.apiUrl(), "bob", login.body().get("accessToken").asText(), bobPhone.id);
            assertEquals(204, bobPhone.put("/api/push/subscriptions", service.device("bob-phone").subscription()).status());
            assertEquals(204, bobLaptop.put("/api/push/subscriptions", service.device("bob-laptop").subscription()).status());
            assertEquals(2, subscriptions(stack, bobPhone.id));

            assertEquals(204, bobPhone.post("/api/auth/logout", null).status());
            assertEquals(1, subscriptions(stack, bobPhone.id), "the phone's login ended, and its subscription with it");
            UUID chat = ana.openDirect("bob");
            ana.send(chat, "push-l-0001", "still there?");
            assertEquals("bob-laptop", service.next(WAIT).device(), "the other login still gets pushes");
            Thread.sleep(500);
            assertEquals(0, service.waiting(), "none to the logged-out phone");
        }
    }

    /** In a channel bob muted, a message pushes nothing; one that mentions him does. */
    private static void mutedChannelsPushOnlyMentions(ChatServers.Stack stack, TestClient ana, TestClient bob,
                                                      TestPushService service) throws Exception {
        String g = ana.post("/api/groups", "{\"name\":\"Team\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        UUID general = null;
        for (var c : bob.get("/api/conversations").body().path("conversations")) {
            if ("general".equals(c.path("name").asText())) {
                general = UUID.fromString(c.get("id").asText());
            }
        }
        assertEquals(200, TestClient.request(stack.apiUrl(), "PATCH", "/api/conversations/" + general, bob.token,
                "{\"muted\":true}").status());
        ana.send(general, "push-m-0001", "standup moved to 10");
        ana.send(general, "push-m-0002", "@bob can you run it?");
        TestPushService.Push p = service.next(WAIT);
        assertEquals("ana in Team #general", p.payload().get("title").asText());
        assertEquals("@bob can you run it?", p.payload().get("body").asText(), "only the mention pushes");
        assertEquals(topic(general), p.topic());
        assertEquals(0, service.waiting());
    }

    /** A call to bob rings his phone: urgency high, a life as long as a call rings, its own topic. */
    private static void aCallRingsTheirPhone(ChatServers.Stack stack, TestClient ana, UUID chat, TestPushService service)
            throws Exception {
        CallsIT.Device caller = CallsIT.Device.open(ana, stack.wsUrlA());
        UUID call = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, CallsIT.OFFER, true));
        TestPushService.Push p = service.next(WAIT);
        assertEquals("call", p.payload().get("kind").asText(), p.payload().toString());
        assertEquals("ana is calling", p.payload().get("title").asText());
        assertEquals("Video call", p.payload().get("body").asText());
        assertEquals(call.toString(), p.payload().get("call").asText());
        assertEquals("high", p.urgency());
        assertEquals("60", p.ttl());
        assertEquals(topic(call), p.topic());
        caller.call(CallsIT.step("c1", chat, call, FrameType.CALL_CANCEL));
        // the call's record in the chat is a message like any other: pushed as one
        assertEquals("ana", service.next(WAIT).payload().get("title").asText());
        assertEquals(0, service.waiting());
        caller.inbox().socket.close();
    }

    private static void refusesBadSubscriptions(TestClient bob, TestPushService.Device phone) {
        String good = phone.subscription();
        for (String bad : new String[] {
                good.replace(phone.endpoint(), "https://10.1.2.3/push/x"),
                // a host name api would post to but no browser's push service: it may resolve into api's own network
                good.replace(phone.endpoint(), "https://metadata.internal/push/x"),
                good.replace(phone.endpoint(), "https://fcm.googleapis.com.attacker.example/push/x"),
                good.replace(phone.endpoint(), "ftp://push.example/x"),
                good.replace(phone.p256dh(), phone.p256dh().substring(0, 80) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".substring(0, 7)),
                good.replace("\"auth\":\"", "\"auth\":\"AAAA"),
                "{\"endpoint\":\"" + phone.endpoint() + "\"}"}) {
            TestClient.Response r = bob.put("/api/push/subscriptions", bad);
            assertEquals(400, r.status(), bad + " -> " + r.raw());
            assertEquals("validation_failed", r.body().get("code").asText());
        }
    }

    private static String presence(TestClient who, TestClient of) {
        return who.get("/api/presence?users=" + of.id).body().at("/presence/0/state").asText();
    }

    /** The stack's VAPID public key, which the push service checks every push's signature against. */
    private static String serverKey(ChatServers.Stack stack) {
        return TestClient.request(stack.apiUrl(), "GET", "/api/push/key", null, null).body().get("publicKey").asText();
    }

    private static int subscriptions(ChatServers.Stack stack, UUID user) {
        try (Connection c = stack.sql(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM push_subscriptions WHERE user_id = ?")) {
            s.setObject(1, user);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String topic(UUID id) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** Waits for a condition (polling, at most {@link #WAIT}). */
    private static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            Thread.onSpinWait();
            Thread.sleep(50);
        }
    }
}
