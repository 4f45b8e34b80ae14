package dev.chat.api;

import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ stopped and started again while messages flow ({@code ./chat restart rabbitmq test}):
 * api instances and ws-nodes get their connections, queues, bindings and consumers back by
 * themselves, every message accepted meanwhile is delivered once the broker is back (the outbox
 * drains), and the socket commands work again. Prints the figures.
 */
@ExtendWith(ChatServers.class)
class BrokerRestartIT {

    @Test
    void nothingAcceptedIsLostAcrossABrokerRestart(ChatServers.Stack stack) throws Exception {
        String chatScript = System.getProperty("chat.it.chat");
        assertNotNull(chatScript, "run with ./chat test, which passes chat.it.chat (the script that restarts the broker)");
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        AtomicBoolean done = new AtomicBoolean();
        long deviceBorn = System.nanoTime();
        SyncingDevice bobDevice = new SyncingDevice(bob, chat, stack.wsUrlA(), stack::wsUrlB);

        ConcurrentSkipListSet<Long> accepted = new ConcurrentSkipListSet<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        long restartStarted;
        long restartSeconds;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> device = threads.submit(() -> bobDevice.run(done));
            Future<?> sender = threads.submit(() -> {
                for (int i = 1; sending.get(); i++) {
                    TestClient.Response r = ana.send(chat, String.format("broker-%06d", i), "m" + i);
                    if (r.status() == 201 || r.status() == 200) {
                        accepted.add(r.body().path("seq").asLong());
                    } else {
                        refused.incrementAndGet(); // refused cleanly (e.g. 503): not accepted, so not owed
                    }
                    Thread.sleep(50);
                }
                return null;
            });
            Thread.sleep(1_000);
            restartStarted = System.nanoTime();
            Process restart = new ProcessBuilder(chatScript, "restart", "rabbitmq", "test").redirectErrorStream(true).start();
            String said = new String(restart.getInputStream().readAllBytes());
            assertEquals(0, restart.waitFor(), said);
            restartSeconds = (System.nanoTime() - restartStarted) / 1_000_000_000;
            Thread.sleep(3_000);
            sending.set(false);
            sender.get(60, TimeUnit.SECONDS); // a send still on its way when told to stop may yet be accepted: owed too

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !bobDevice.held.containsAll(accepted)) {
                Thread.sleep(200);
            }
            double caughtUp = (System.nanoTime() - restartStarted) / 1e9;
            done.set(true);
            device.get(30, TimeUnit.SECONDS); // the device has stopped storing before it is judged

            // the socket path works again: a send frame from bob is acknowledged
            TestClient.Socket ws = bob.connect(stack.wsUrlA());
            ws.next(ServerFrame.Welcome.class, Duration.ofSeconds(20));
            ws.send(new ClientFrame.Send("after", chat, "broker-after-1", "back"));
            ServerFrame.Ack ack = ws.next(ServerFrame.Ack.class, Duration.ofSeconds(20));

            List<Long> missing = new ArrayList<>(accepted);
            missing.removeAll(bobDevice.held);
            System.out.printf("RabbitMQ restart mid-stream: restart took %d s; %d messages accepted meanwhile and around it, %d refused; "
                            + "bob's device complete (or given up) %.1f s after the restart began (%d reconnects, %d duplicate live frames); "
                            + "missing: %s; a socket command afterwards: seq %d%n",
                    restartSeconds, accepted.size(), refused.get(), caughtUp, bobDevice.reconnects.get(),
                    bobDevice.liveDuplicates.get(), missing, ack.seq());
            System.out.println("bob's device, restart at " + (restartStarted - deviceBorn) / 1_000_000 + " ms: " + bobDevice.trail);
            assertEquals(List.of(), missing, () -> "every accepted message reached bob; the device: " + bobDevice.trail
                    + "; the restart began at " + (restartStarted - deviceBorn) / 1_000_000 + " ms");
            assertEquals(0, bobDevice.heldTwice(), () -> "a message bob's device holds twice: " + bobDevice.trail);
            assertTrue(ack.seq() > 0);
            for (String url : List.of(stack.apiUrl(), "http://127.0.0.1:" + stack.nodeA().port(), "http://127.0.0.1:" + stack.nodeB().port())) {
                HttpResponse<String> ready = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), url + " ready again: " + ready.body());
            }
        } finally {
            done.set(true);
            sending.set(false);
        }
    }
}
