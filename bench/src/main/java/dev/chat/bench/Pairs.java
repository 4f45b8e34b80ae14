package dev.chat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * W3, one-to-one: 1,000 users in 500 pairs, each pair in its direct chat (opened through the API), every user online with one socket and writing to its partner. The rate starts at 1,000
 * messages a second (one per user) and is raised until p99 passes 50 ms or the service stops
 * keeping up.
 */
final class Pairs {
    private static final int USERS = 1_000;
    private static final double TARGET_RATE = 1_000;
    private static final double[] RATES = java.util.Arrays.stream(
            System.getProperty("bench.rates", "100,200,300,400,500,700,1000,2000,3000,5000").split(","))
            .mapToDouble(Double::parseDouble).toArray();
    private static final double STEP_SECONDS = Double.parseDouble(System.getProperty("bench.step.seconds", "15"));
    private static final double IDLE_SECONDS = 10;

    private final Target target;
    private final Report report;

    Pairs(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    /**
     * What the servers spend with every socket open and nothing sent (pings, presence, timers,
     * the database's own work): the fixed share that CPU per message at a low rate carries.
     */
    private void idle(Processes servers) throws InterruptedException {
        Thread.sleep(3_000); // the warm-up's last deliveries and receipts
        List<Processes.Usage> before = servers.sample();
        Thread.sleep((long) (IDLE_SECONDS * 1000));
        List<Processes.Usage> after = servers.sample();
        double cores = Processes.cpuSeconds(before, after).values().stream().mapToDouble(Double::doubleValue).sum() / IDLE_SECONDS;
        report.line("Idle (%,d sockets open, nothing sent, %.0f s): the servers use %.0f%% of a core: %s", USERS, IDLE_SECONDS,
                100 * cores, Processes.table(before, after, IDLE_SECONDS));
    }

    void run() throws Exception {
        Rest rest = new Rest(target);
        Population people = new Population(target, rest);
        report.line(people.signUpRate(16));
        long t0 = System.nanoTime();
        List<Population.User> users = people.seeded("w3", USERS);
        report.line("%,d accounts written to the database with minted tokens in %.1f s", USERS, (System.nanoTime() - t0) / 1e9);

        List<UUID> chats = new ArrayList<>();
        List<int[]> audiences = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<UUID>> opened = new ArrayList<>();
            for (int i = 0; i < USERS; i += 2) {
                int a = i;
                opened.add(threads.submit(() -> people.direct(users.get(a), users.get(a + 1))));
                audiences.add(new int[] {i, i + 1});
            }
            for (Future<UUID> f : opened) {
                chats.add(f.get());
            }
        }

        Ledger ledger = new Ledger(audiences, USERS, 2_000_000);
        try (LiveChats live = LiveChats.open(target, report, users, ledger, 2, chats)) {
            RaisingRate load = live.load();
            // warm-up: the JIT compiles the hot paths, pools and caches fill (the first minute of a
            // fresh JVM costs several times the CPU per message of the steady state)
            load.step(RATES[0], Bench.WARMUP_SECONDS, 2, 1);
            idle(Bench.stackProcesses(target));
            report.line("");
            report.stepHeader("W3 step");
            Profiles profiles = Profiles.start(target);
            RaisingRate.Climb climb = load.climb(RATES, STEP_SECONDS, 1, 50, report);
            if (!climb.measured().contains(TARGET_RATE)) {
                Bench.settle(ledger); // the overloaded step's backlog first
                report.step(String.format("%,.0f/s (target)", TARGET_RATE), load.step(TARGET_RATE, STEP_SECONDS, 2, 1), 1);
            }
            profiles.stop();
            report.cpuTable("W3 step", false);
            Bench.settle(ledger);
            report.line("");
            report.line("W3 result: highest delivered rate with p99 <= 50 ms: %,.0f messages/s; %s",
                    climb.bestDeliveredPerSecond(), live.tally());
            profiles.report(report, "w3");
        }
    }
}
