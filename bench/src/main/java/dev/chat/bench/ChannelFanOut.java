package dev.chat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * W2 (20 channels of 50) and W4 (one channel of 500): each channel a group made through the API
 * by its first member, who adds the others through the API, every member online with one
 * socket, every member writing into its channel. The rate of messages into the channels is raised
 * until p99 (send to each recipient's socket) passes the workload's bound or the service stops
 * keeping up. A message is delivered when it reached a recipient socket; "delivered msg/s" counts
 * whole messages (deliveries divided by the recipients per message).
 */
final class ChannelFanOut {
    private static final double STEP_SECONDS = Double.parseDouble(System.getProperty("bench.step.seconds", "15"));

    private final Target target;
    private final Report report;
    private final int channels;
    private final int members;
    private final double p99BoundMs;

    ChannelFanOut(Target target, Report report, int channels, int members, double p99BoundMs) {
        this.target = target;
        this.report = report;
        this.channels = channels;
        this.members = members;
        this.p99BoundMs = p99BoundMs;
    }

    void run() throws Exception {
        Rest rest = new Rest(target);
        Population people = new Population(target, rest);
        int total = channels * members;
        long t0 = System.nanoTime();
        List<Population.User> users = people.seeded("ch" + members, total);
        report.line("%,d accounts written to the database with minted tokens in %.1f s", total, (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        List<UUID> channelIds = new ArrayList<>();
        List<int[]> audiences = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            List<Population.User> in = users.subList(c * members, (c + 1) * members);
            channelIds.add(people.groupChannel(in.getFirst(), in, "bench " + c));
            int[] sockets = new int[members];
            for (int i = 0; i < members; i++) {
                sockets[i] = c * members + i;
            }
            audiences.add(sockets);
        }
        report.line("%d groups of %d members made through the API in %.1f s", channels, members, (System.nanoTime() - t0) / 1e9);

        Ledger ledger = new Ledger(audiences, total, 1_000_000);
        try (LiveChats live = LiveChats.open(target, report, users, ledger, members, channelIds)) {
            RaisingRate load = live.load();
            int recipients = members - 1;
            double first = Math.max(1, 5_000.0 / recipients / 10); // about 500 socket deliveries a second
            load.step(first / 2, Bench.WARMUP_SECONDS, 2, recipients); // warm-up: JIT, pools, caches
            report.line("");
            report.line("Each message goes to %d recipient sockets; delivered msg/s = socket deliveries / %d.", recipients, recipients);
            report.stepHeader(channels + " x " + members);
            double[] rates = new double[10];
            for (int n = 0; n < rates.length; n++) {
                rates[n] = first * Math.pow(1.5, n);
            }
            Profiles profiles = Profiles.start(target);
            double best = load.climb(rates, STEP_SECONDS, recipients, p99BoundMs, report).bestDeliveredPerSecond();
            profiles.stop();
            report.cpuTable(channels + " x " + members, true);
            Bench.settle(ledger);
            report.line("");
            report.line("%d x %d result: highest rate with p99 <= %.0f ms: %,.0f socket deliveries/s = %,.0f messages/s; %s",
                    channels, members, p99BoundMs, best, best / recipients, live.tally());
            profiles.report(report, channels + "x" + members);
        }
    }
}
