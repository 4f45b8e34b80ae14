package dev.chat.api;

import dev.chat.fanout.AmqpSettings;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What only the outbox relay provides: events that were committed but never published reach a
 * client whose socket stayed open and that does not resync. An api instance loses its broker
 * connection (a TCP relay between it and RabbitMQ is cut) while ana sends through it: PostgreSQL
 * takes the sends, the publishes fail. Bob's node never lost the broker, so his socket stays open
 * and nothing tells him to resync; he reads only his socket. Without the relay (of any instance)
 * those messages would never reach it.
 */
@ExtendWith(ChatServers.class)
class OutboxRelayIT {
    @Test
    void eventsCommittedButNotPublishedReachAnOpenSocketThroughTheRelay(ChatServers.Stack stack) throws Exception {
        AmqpSettings broker = stack.amqp();
        try (TcpRelay link = new TcpRelay(new InetSocketAddress(broker.host(), broker.port()))) {
            AmqpSettings relayed = new AmqpSettings("127.0.0.1", link.port(), broker.username(), broker.password(), broker.virtualHost());
            ApiConfig b = ChatServers.apiConfig(stack, "api-broker-cut", stack.dbUrl(), stack.memcached(), ChatServers.LIMITS);
            Main.Running api = Main.start(new ApiConfig(b.instanceId(), b.host(), b.port(), b.internalHost(), b.internalPort(), b.dbUrl(),
                    b.dbUser(), b.dbPassword(), b.dbPoolSize(), relayed, b.memcached(), b.tokenSecret(), b.accessTokenTtl(),
                    b.secureCookies(), b.limits(), b.attachmentMaxBytes(), b.eventLog(), b.calls(), b.replica(), b.push(), b.announce(), b.searchReach()));
            try {
                String url = "http://127.0.0.1:" + api.port();
                TestClient ana = TestClient.signUp(url, "ana");
                TestClient bob = TestClient.signUp(url, "bob");
                UUID chat = ana.openDirect("bob");
                TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
                bobWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
                assertEquals(201, ana.send(chat, "relay-0001", "published at once").status());
                assertEquals(1, bobWs.next(ServerEvent.MessageCreated.class, Duration.ofSeconds(5)).seq());

                link.cut(); // this instance's broker connection is gone; the rest of the stack keeps theirs
                long cutAt = System.nanoTime();
                for (int i = 2; i <= 4; i++) {
                    TestClient.Response sent = ana.send(chat, "relay-000" + i, "committed, not published " + i);
                    assertEquals(201, sent.status(), "PostgreSQL takes the send: " + sent.raw());
                    assertEquals(i, sent.body().get("seq").asLong());
                }

                // bob reads only his socket: no sync, no reconnect
                Map<Long, String> got = new TreeMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (got.size() < 3 && System.nanoTime() < deadline) {
                    // seq 1 may come again (its confirm was lost in the cut, so the relay republished
                    // it: at-least-once, dropped by seq as a client does)
                    if (bobWs.frames.poll(100, TimeUnit.MILLISECONDS) instanceof ServerEvent.MessageCreated m && m.seq() > 1) {
                        got.put(m.seq(), m.message().clientMsgId());
                    }
                }
                System.out.printf("broker cut for one api instance: %d of 3 messages committed meanwhile reached bob's open "
                        + "socket %d ms after the cut (republished by the outbox relay)%n", got.size(), (System.nanoTime() - cutAt) / 1_000_000);
                assertFalse(bobWs.closeCode.isDone(), "bob's socket stayed open (he was never asked to resync)");
                assertEquals(Map.of(2L, "relay-0002", 3L, "relay-0003", 4L, "relay-0004"), got,
                        "the messages committed while the publish failed reached bob's open socket");
            } finally {
                api.stop();
            }
        }
    }
}
