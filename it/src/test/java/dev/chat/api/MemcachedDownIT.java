package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With Memcached unreachable, presence reads as unknown and everything else keeps working; when it is back, presence is too. */
@ExtendWith(ChatServers.class)
class MemcachedDownIT {

    @Test
    void presenceIsUnknownAndChatGoesOn(ChatServers.Stack stack) throws Exception {
        InetSocketAddress nowhere;
        try (ServerSocket s = new ServerSocket(0)) {
            nowhere = new InetSocketAddress("127.0.0.1", s.getLocalPort()); // closed again: nothing listens
        }
        Main.Running api = Main.start(ChatServers.apiConfig(stack, "api-no-mc", stack.dbUrl(), nowhere, ChatServers.LIMITS));
        dev.chat.ws.Main.Running node = dev.chat.ws.Main.start(
                ChatServers.nodeConfig("it-no-mc-" + UUID.randomUUID().toString().substring(0, 8), stack.amqp(), nowhere, java.util.List.of(java.net.URI.create("http://127.0.0.1:" + api.internalPort()))));
        try {
            String url = "http://127.0.0.1:" + api.port();
            TestClient ana = TestClient.signUp(url, "ana");
            TestClient bob = TestClient.signUp(url, "bob");
            UUID chat = ana.openDirect("bob");
            TestClient.Socket bobWs = bob.connect("ws://127.0.0.1:" + node.port() + "/ws");
            bobWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));

            assertEquals(201, ana.send(chat, UUID.randomUUID().toString(), "still works").status());
            assertEquals("still works", bobWs.next(ServerEvent.MessageCreated.class, Duration.ofSeconds(5)).message().text());
            bobWs.send(new ClientFrame.Send("f1", chat, "no-mc-0001", "and back"));
            assertEquals(2, bobWs.next(ServerFrame.Ack.class, Duration.ofSeconds(5)).seq());

            JsonNode presence = ana.get("/api/presence?users=" + bob.id).body().at("/presence/0");
            assertEquals("unknown", presence.get("state").asText());
        } finally {
            node.stop();
            api.stop();
        }
    }

    @Test
    void presenceComesBackWithMemcached(ChatServers.Stack stack) throws Exception {
        try (TcpRelay relay = new TcpRelay(stack.memcached())) {
            InetSocketAddress relayed = new InetSocketAddress("127.0.0.1", relay.port());
            Main.Running api = Main.start(ChatServers.apiConfig(stack, "api-mc-relay", stack.dbUrl(), relayed, ChatServers.LIMITS));
            dev.chat.ws.Main.Running node = dev.chat.ws.Main.start(
                    ChatServers.nodeConfig("it-mc-relay-" + UUID.randomUUID().toString().substring(0, 8), stack.amqp(), relayed, java.util.List.of(java.net.URI.create("http://127.0.0.1:" + api.internalPort()))));
            try {
                String url = "http://127.0.0.1:" + api.port();
                TestClient ana = TestClient.signUp(url, "ana");
                TestClient bob = TestClient.signUp(url, "bob");
                UUID chat = ana.openDirect("bob");
                TestClient.Socket bobWs = bob.connect("ws://127.0.0.1:" + node.port() + "/ws");
                bobWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
                awaitPresence(ana, bob.id, "online", Duration.ofSeconds(10));

                relay.cut();
                long cutAt = System.nanoTime();
                awaitPresence(ana, bob.id, "unknown", Duration.ofSeconds(10));
                long unknownMs = (System.nanoTime() - cutAt) / 1_000_000;
                assertEquals(201, ana.send(chat, "mc-away-0001", "chat goes on").status());
                assertEquals("chat goes on", bobWs.next(ServerEvent.MessageCreated.class, Duration.ofSeconds(5)).message().text());

                relay.restore();
                long backAt = System.nanoTime();
                awaitPresence(ana, bob.id, "online", Duration.ofSeconds(20));
                System.out.printf("Memcached away: presence unknown after %d ms, chat unaffected; back: bob online again after %d ms%n",
                        unknownMs, (System.nanoTime() - backAt) / 1_000_000);
            } finally {
                node.stop();
                api.stop();
            }
        }
    }

    private static void awaitPresence(TestClient reader, UUID user, String state, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            JsonNode p = reader.get("/api/presence?users=" + user).body();
            last = p == null ? null : p.at("/presence/0/state").asText();
            if (state.equals(last)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("presence of " + user + " did not become " + state + " within " + within + " (last: " + last + ")");
    }
}
