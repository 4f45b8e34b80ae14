package dev.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Prints the figures and appends them to var/bench/&lt;workload&gt;.txt, so a run leaves its record. */
final class Report {
    private final Path file;

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

    /** One row of a step table. */
    void step(String label, RaisingRate.Step s, double deliveriesPerMessage) {
        line("| %s | %,.0f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %s |", label, s.offeredPerSecond(), s.sentPerSecond(),
                s.deliveredPerSecond() / Math.max(1, deliveriesPerMessage), s.p(50), s.p(95), s.p(99), s.max(), s.processes());
    }

    void stepHeader(String what) {
        line("| %s | offered msg/s | sent msg/s | delivered msg/s | p50 ms | p95 ms | p99 ms | max ms | CPU (of one core) and RSS |", what);
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    }
}
