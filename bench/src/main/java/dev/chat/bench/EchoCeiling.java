package dev.chat.bench;

import dev.chat.protocol.ClientFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connection path's ceiling: the W3 clients and rates (1,000 sockets through nginx TLS, the
 * same frames) against the bare echo behind the same nginx. Each frame crosses client, nginx and
 * server twice, as a one-to-one message does (sender to node, node to recipient), with nothing in
 * between: what is left of W3's latency and rate is the price of the chat service itself.
 */
final class EchoCeiling {
    private static final int SOCKETS = 1_000;
    private static final double[] RATES = {1_000, 2_000, 3_000, 5_000, 8_000, 12_000, 16_000, 24_000};
    private static final double STEP_SECONDS = Double.parseDouble(System.getProperty("bench.step.seconds", "15"));

    private final Target target;
    private final Report report;

    EchoCeiling(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    void run() throws Exception {
        List<Population.User> anonymous = new ArrayList<>();
        List<int[]> audiences = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            anonymous.add(new Population.User(UUID.randomUUID(), "echo" + i, "none"));
            audiences.add(new int[] {i});
        }
        Ledger ledger = new Ledger(audiences, SOCKETS, 4_000_000, true);
        LongAdder other = new LongAdder();
        ChatSocket.Sink sink = (socket, text, at) -> {
            // the echo sends back what the client sent: a send frame, read as the node's api would
            long[] marker = Frames.CLIENT.decode(text.toString()) instanceof ClientFrame.Send s ? Frames.marker(s.text()) : null;
            if (marker != null) {
                ledger.acked(marker[0], true);
                ledger.arrived(socket.index, marker[0], marker[1], at);
            } else {
                other.increment();
            }
        };
        try (Clients clients = new Clients(target, target.url().replaceFirst("^https", "wss") + target.echoPath())) {
            long t0 = System.nanoTime();
            int failed = clients.open(anonymous, sink, 64);
            report.line("%d echo sockets opened through nginx TLS in %.1f s (%d failed)", SOCKETS, (System.nanoTime() - t0) / 1e9, failed);
            List<RaisingRate.Sender> senders = new ArrayList<>();
            UUID none = new UUID(0, 0);
            for (int i = 0; i < SOCKETS; i++) {
                if (clients.sockets.get(i) != null) {
                    senders.add(new RaisingRate.Sender(clients.sockets.get(i), i, none));
                }
            }
            RaisingRate load = new RaisingRate(senders, ledger,
                    new Processes(target.run(), List.of("echo", "nginx")));
            load.step(500, Bench.WARMUP_SECONDS, 2, 1); // warm-up: JIT, pools, caches
            report.line("");
            report.stepHeader("echo step");
            double best = load.climb(RATES, STEP_SECONDS, 1, 50, report).bestDeliveredPerSecond();
            report.cpuTable("echo step", false);
            Bench.settle(ledger);
            report.line("");
            report.line("echo result: highest rate with p99 <= 50 ms: %,.0f frames/s round trip; lost %,d, duplicated %,d",
                    best, ledger.lost(), ledger.duplicates());
        }
    }
}
