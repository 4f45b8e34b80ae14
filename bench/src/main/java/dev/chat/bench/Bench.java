package dev.chat.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The load generator. {@code ./chat bench W3} starts a fresh stack and runs
 * {@code java -jar chat-bench.jar W3} against it with the stack's settings as system properties
 * (see {@link Target}). Each workload prints a table and appends it to var/bench/&lt;workload&gt;.txt.
 *
 * <ul>
 *   <li>W1 idle connections: memory per connection at 5,000, 10,000 and 20,000 sockets;</li>
 *   <li>W2 channels: 20 channels of 50 members, the rate raised until p99 passes 200 ms;</li>
 *   <li>W3 one-to-one: 1,000 users in pairs, the rate raised until p99 passes 50 ms;</li>
 *   <li>W4 one channel of 500 members;</li>
 *   <li>W5 history: page fetches in a conversation of 1,000,000 messages;</li>
 *   <li>W6 search: message searches of one user in 200 conversations of 1,000,000 messages;</li>
 *   <li>broker: the broker's own ceiling for the fan-out shapes of W2 and W3;</li>
 *   <li>echo: the connection path's ceiling, a bare WebSocket echo behind the same nginx.</li>
 * </ul>
 */
public final class Bench {
    /** -Dbench.keep.going=true: run every step of a ladder even past its bound (for profiling). */
    static final boolean KEEP_GOING = Boolean.getBoolean("bench.keep.going");
    /** Seconds of load at a moderate rate before the first measured step. */
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup.seconds", 60);
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Bench W1|W2|W3|W4|W5|W6|broker|echo  (or: echo-server PORT, idle-client FILE ADDRESS)");
            System.exit(2);
        }
        String workload = args[0].toLowerCase(Locale.ROOT);
        switch (workload) {
            case "echo-server" -> {
                EchoServer.main(List.of(args).subList(1, args.length).toArray(String[]::new));
                return;
            }
            case "idle-client" -> {
                IdleConnections.client(Target.fromSystemProperties(), Path.of(args[1]), args[2]);
                return;
            }
            default -> {
            }
        }
        Target target = Target.fromSystemProperties();
        Report report = new Report(Path.of(System.getProperty("bench.out", "var/bench")), workload);
        report.line("");
        report.line("## %s, %s", workload.toUpperCase(Locale.ROOT), java.time.ZonedDateTime.now().withNano(0));
        switch (workload) {
            case "w1" -> new IdleConnections(target, report).run();
            case "w2" -> new ChannelFanOut(target, report, 20, 50, 200).run();
            case "w3" -> new Pairs(target, report).run();
            case "w4" -> new ChannelFanOut(target, report, 1, 500, 250).run();
            case "w5" -> new HistoryPages(target, report).run();
            case "w6" -> new SearchBench(target, report).run();
            case "broker" -> new BrokerCeiling(target, report).run();
            case "echo" -> new EchoCeiling(target, report).run();
            default -> {
                System.err.println("unknown workload " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0); // the HTTP clients' selector threads would keep the JVM up
    }

    /** Waits until deliveries have stopped arriving (two quiet seconds, at most a minute). */
    static void settle(Ledger ledger) throws InterruptedException {
        int quiet = 0;
        for (int i = 0; i < 60 && quiet < 2; i++) {
            Thread.sleep(1_000);
            quiet = ledger.deliveriesSinceLast() == 0 ? quiet + 1 : 0;
        }
    }

    /** The stack's servers whose CPU and memory each table shows. */
    static Processes stackProcesses(Target target) {
        return new Processes(target.run(), List.of("api-1", "ws-1", "ws-2", "rabbitmq", "postgres", "nginx", "memcached"));
    }
}
