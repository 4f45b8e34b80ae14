package dev.chat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * W1, idle connections: 5,000, then 10,000, then 20,000 sockets open and quiet, and what each
 * costs the ws-nodes and the broker (their resident memory grown, divided by the sockets). A
 * process may hold 20,000 open files here, so the clients are four child processes of 5,000
 * sockets each, each from its own source address; nginx spreads them over its workers.
 */
final class IdleConnections {
    private static final int PER_CLIENT = 5_000;
    /** Sockets held at each step, in multiples of 5,000 ({@code -Dbench.w1.steps=5000}: one step). */
    private static final int[] STEPS = java.util.Arrays.stream(System.getProperty("bench.w1.steps", "5000,10000,20000").split(","))
            .mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    private static final int SETTLE_SECONDS = 15;
    /** How often an idle web client pings (docs/PROTOCOL.md, the welcome's heartbeatSeconds). */
    private static final int HEARTBEAT_SECONDS = 25;
    /** The servers whose CPU an idle socket costs. */
    private static final List<String> SERVERS = List.of("api-1", "ws-1", "ws-2", "rabbitmq", "postgres", "nginx", "memcached");

    private final Target target;
    private final Report report;

    IdleConnections(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    /** A child process holding some of the sockets. */
    private record Child(Process process, BufferedReader out, PrintWriter in, long pid) {
        String ask(String line) throws IOException {
            in.println(line);
            in.flush();
            return out.readLine();
        }
    }

    void run() throws Exception {
        Population people = new Population(target, new Rest(target));
        int total = STEPS[STEPS.length - 1];
        long t0 = System.nanoTime();
        List<Population.User> users = people.seeded("w1", total);
        report.line("%,d accounts written to the database with minted tokens in %.1f s", total, (System.nanoTime() - t0) / 1e9);

        Processes servers = new Processes(target.run(), List.of("ws-1", "ws-2", "rabbitmq", "nginx"));
        Processes all = new Processes(target.run(), SERVERS);
        List<String> cpu = new ArrayList<>();
        Thread.sleep(2_000);
        List<Processes.Usage> quiet = all.sample();
        Thread.sleep((SETTLE_SECONDS - 5) * 1_000L);
        List<Processes.Usage> quietEnd = all.sample();
        double quietCores = cores(quiet, quietEnd);
        cpu.add(String.format("no sockets: %.1f%% of a core (%s)", 100 * quietCores, Processes.table(quiet, quietEnd, SETTLE_SECONDS - 5)));
        long baseHeap = nodesHeapAfterGc();
        List<Processes.Usage> base = servers.sample();
        report.line("before: %s; ws-nodes' heap in use after a full GC %,d MiB", describe(base), baseHeap >> 20);
        report.line("");
        report.line("Resident memory is sampled after a full GC in each ws-node (jcmd GC.run), which also returns unused heap.");
        report.line("");
        report.line("| open sockets | ws-nodes RSS | ws-nodes live heap | broker RSS | per socket: ws-nodes + broker RSS | per socket: live heap | nginx RSS | clients' RSS | failed | closed by the server |");
        report.line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");

        List<Child> children = new ArrayList<>();
        int open = 0;
        try {
            for (int step : STEPS) {
                while (open < step) {
                    openClient(users.subList(open, open + PER_CLIENT), children);
                    open += PER_CLIENT;
                }
                Thread.sleep(5_000); // the opening's own work settles
                List<Processes.Usage> before = all.sample();
                Thread.sleep((SETTLE_SECONDS - 5) * 1_000L);
                List<Processes.Usage> after = all.sample();
                double used = cores(before, after);
                cpu.add(String.format("%,d sockets: %.1f%% of a core, **%.1f µs of CPU per socket per second** above no sockets (%s)",
                        step, 100 * used, (used - quietCores) * 1e6 / step, Processes.table(before, after, SETTLE_SECONDS - 5)));
                measureStep(step, servers, base, baseHeap, children);
            }
        } finally {
            for (Child c : children) {
                c.in().close();
                c.process().destroy();
            }
        }
        report.line("");
        report.line("The servers' CPU while the sockets are idle (each pinging every %d s, as the web client does), %d s a step:",
                HEARTBEAT_SECONDS, SETTLE_SECONDS - 5);
        cpu.forEach(line -> report.line("- %s", line));
    }

    /** Starts a child process that opens a socket for each of {@code batch}, and reports what it said. */
    private void openClient(List<Population.User> batch, List<Child> children) throws IOException {
        Path file = Files.createTempFile("bench-idle", ".txt");
        List<String> lines = new ArrayList<>();
        for (Population.User u : batch) {
            lines.add(u.id() + " " + u.username() + " " + u.token());
        }
        Files.write(file, lines);
        String address = target.sourceAddresses().get(children.size() % target.sourceAddresses().size());
        Child c = start(file, address);
        children.add(c);
        String said = c.out().readLine(); // "opened N failed F seconds S"
        report.line("client %d (%s): %s", children.size(), address, said);
    }

    /** One row of the table: what {@code step} open sockets cost, against the {@code base} sample. */
    private void measureStep(int step, Processes servers, List<Processes.Usage> base, long baseHeap, List<Child> children)
            throws IOException, InterruptedException {
        long heap = nodesHeapAfterGc();
        Thread.sleep(2_000);
        List<Processes.Usage> now = servers.sample();
        long closed = 0;
        long failed = 0;
        for (Child c : children) {
            String[] status = c.ask("status").split(" "); // "open N closed C failed F"
            closed += Long.parseLong(status[3]);
            failed += Long.parseLong(status[5]);
        }
        histogram("ws-1", step);
        long nodes = rss(now, "ws-1") + rss(now, "ws-2") - rss(base, "ws-1") - rss(base, "ws-2");
        long broker = rss(now, "rabbitmq") - rss(base, "rabbitmq");
        long clientsRss = new Processes(pids(children)).sample().stream().mapToLong(Processes.Usage::rssBytes).sum();
        report.line("| %,d | %,d MiB (+%,d) | %,d MiB (+%,d) | %,d MiB (+%,d) | **%.1f KiB** | %.1f KiB | %,d MiB | %,d MiB | %d | %d |",
                step, (rss(now, "ws-1") + rss(now, "ws-2")) >> 20, nodes >> 20, heap >> 20, (heap - baseHeap) >> 20,
                rss(now, "rabbitmq") >> 20, broker >> 20, (nodes + broker) / 1024.0 / step,
                (heap - baseHeap) / 1024.0 / step, rss(now, "nginx") >> 20, clientsRss >> 20, failed, closed);
    }

    /** The servers' CPU between two samples taken {@code SETTLE_SECONDS - 5} apart, in cores. */
    private static double cores(List<Processes.Usage> before, List<Processes.Usage> after) {
        return Processes.cpuSeconds(before, after).values().stream().mapToDouble(Double::doubleValue).sum() / (SETTLE_SECONDS - 5);
    }

    /** ws-1's live classes by bytes, after the step's full GC: where a socket's heap goes (var/bench/w1-histogram-STEP.txt). */
    private void histogram(String node, int step) {
        try {
            String pid = Files.readString(target.run().resolve(node + ".pid")).trim();
            Path out = Path.of(System.getProperty("bench.out", "var/bench"), "w1-histogram-" + step + ".txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, Jvm.jcmd(pid, "GC.class_histogram"));
            report.line("%s's class histogram at %,d sockets (about half of them on it): %s", node, step, out);
        } catch (IOException | RuntimeException e) {
            report.line("no class histogram of %s: %s", node, e.getMessage());
        }
    }

    private long nodesHeapAfterGc() {
        return Jvm.heapAfterGc(target.run().resolve("ws-1.pid")) + Jvm.heapAfterGc(target.run().resolve("ws-2.pid"));
    }

    private static String describe(List<Processes.Usage> usage) {
        StringBuilder b = new StringBuilder();
        usage.forEach(u -> b.append(u.name()).append(' ').append(u.rssBytes() >> 20).append(" MiB; "));
        return b.toString();
    }

    private static long rss(List<Processes.Usage> usage, String name) {
        return usage.stream().filter(u -> u.name().equals(name)).mapToLong(Processes.Usage::rssBytes).sum();
    }

    private static Map<String, Long> pids(List<Child> children) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int i = 0; i < children.size(); i++) {
            pids.put("client-" + i, children.get(i).pid());
        }
        return pids;
    }

    private Child start(Path file, String address) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx3g");
        command.add("-XX:+UseSerialGC");
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("bench.")) {
                command.add("-D" + k + "=" + v);
            }
        });
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Bench.class.getName());
        command.add("idle-client");
        command.add(file.toString());
        command.add(address);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream())), new PrintWriter(p.getOutputStream()), p.pid());
    }

    /**
     * Each socket pings every {@link #HEARTBEAT_SECONDS}, as the web client does (the welcome's
     * {@code heartbeatSeconds}), the sockets' pings spread evenly over the interval.
     */
    private static void pingLikeBrowsers(List<ChatSocket> sockets) {
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pings");
            t.setDaemon(true);
            return t;
        });
        long periodMs = HEARTBEAT_SECONDS * 1_000L;
        for (int i = 0; i < sockets.size(); i++) {
            ChatSocket socket = sockets.get(i);
            if (socket != null) {
                timer.scheduleAtFixedRate(() -> socket.send("{\"type\":\"ping\"}"), i * periodMs / sockets.size(), periodMs,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The child's side: open every socket in the file from one address, then answer "status" until stdin closes. */
    static void client(Target parent, Path file, String address) throws Exception {
        Target target = parent.from(List.of(address));
        List<Population.User> users = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            users.add(new Population.User(UUID.fromString(f[0]), f[1], f[2]));
        }
        Files.deleteIfExists(file);
        try (Clients clients = new Clients(target)) {
            long t0 = System.nanoTime();
            int failed = clients.open(users, (socket, text, at) -> { }, 100);
            System.out.printf("opened %d failed %d seconds %.1f%n", users.size() - failed, failed, (System.nanoTime() - t0) / 1e9);
            System.out.flush();
            pingLikeBrowsers(clients.sockets);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                long closed = clients.sockets.stream().filter(s -> s != null && s.closed.isDone()).count();
                System.out.printf("open %d closed %d failed %d%n", users.size() - failed - closed, closed, failed);
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
