package dev.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prints the figures and appends them to var/bench/&lt;workload&gt;.txt, so a run leaves its record. */
final class Report {
    private final Path file;
    private final List<Map.Entry<String, RaisingRate.Step>> steps = new ArrayList<>();

    Report(Path folder, String workload) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.file = folder.resolve(workload + ".txt");
    }

    void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(format, args);
        System.out.println(text);
        try {
            Files.writeString(file, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** One row of a step table; the step is kept for {@link #cpuTable}. */
    void step(String label, RaisingRate.Step s, double deliveriesPerMessage) {
        steps.add(Map.entry(label, s));
        line("| %s | %,.0f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %,.0f | %s |", label, s.offeredPerSecond(), s.sentPerSecond(),
                s.deliveredPerSecond() / Math.max(1, deliveriesPerMessage), s.p(50), s.p(95), s.p(99), s.max(),
                s.cpuMicrosPerDelivery(null), s.processes());
    }

    void stepHeader(String what) {
        line("| %s | offered msg/s | sent msg/s | delivered msg/s | p50 ms | p95 ms | p99 ms | max ms | servers' CPU µs per delivery "
                + "| CPU (of one core) and RSS |", what);
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    }

    /**
     * The steps shown so far, again: microseconds of CPU per socket delivery of each server and of
     * all of them (the load clients are not among them), over each step and its settling time;
     * with {@code perSent}, also all the servers' CPU per message sent (for fan-out, where one
     * message makes many deliveries).
     */
    void cpuTable(String what, boolean perSent) {
        if (steps.isEmpty()) {
            return;
        }
        Set<String> servers = steps.getFirst().getValue().cpuSeconds().keySet();
        StringBuilder header = new StringBuilder("| " + what + " | ");
        StringBuilder rule = new StringBuilder("| --- | ");
        for (String server : servers) {
            header.append(server).append(" | ");
            rule.append("--- | ");
        }
        header.append("servers | ");
        rule.append("--- | ");
        if (perSent) {
            header.append("servers, per message sent | ");
            rule.append("--- | ");
        }
        line("");
        line("CPU per socket delivery, µs (from /proc, with descendants, over each step and its settling time; load clients excluded):");
        line(header.toString().trim());
        line(rule.toString().trim());
        for (Map.Entry<String, RaisingRate.Step> e : steps) {
            RaisingRate.Step s = e.getValue();
            StringBuilder row = new StringBuilder("| " + e.getKey() + " | ");
            for (String server : servers) {
                row.append(String.format("%,.0f", s.cpuMicrosPerDelivery(server))).append(" | ");
            }
            row.append(String.format("**%,.0f** | ", s.cpuMicrosPerDelivery(null)));
            if (perSent) {
                row.append(String.format("%,.0f | ", s.cpuMicrosPerSent()));
            }
            line(row.toString().trim());
        }
    }
}
