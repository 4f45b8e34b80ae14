package dev.chat.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server JVMs' hottest methods during a ladder, from Java Flight Recorder. With
 * {@code CHAT_BENCH_JFR=1}, {@code ./chat} starts api and the ws-nodes recording from their start
 * ({@code -XX:StartFlightRecording=name=bench,settings=profile}) and passes
 * {@code -Dbench.jfr=<folder>}. After the ladder, each JVM's recording is dumped there
 * ({@code jcmd PID JFR.dump}), and the report lists, per JVM, the methods most often on top of the
 * stack in its {@code jdk.ExecutionSample} events from the ladder's start to its end (the warm-up
 * and the population left out). Samples are taken per running thread, so they weigh each method
 * by the CPU it used: the steps at the ceiling, which use the most, weigh the most.
 */
final class Profiles {
    private static final int TOP = 15;
    private static final List<String> JVMS = List.of("api-1", "ws-1", "ws-2");

    private final Target target;
    private final Path folder;
    private Instant from;
    private Instant to;

    private Profiles(Target target, Path folder) {
        this.target = target;
        this.folder = folder;
    }

    /** Notes the ladder's start; a no-op unless -Dbench.jfr names a folder. */
    static Profiles start(Target target) {
        String dir = System.getProperty("bench.jfr", "");
        Profiles p = new Profiles(target, dir.isBlank() ? null : Path.of(dir));
        p.from = Instant.now();
        return p;
    }

    /** Notes the ladder's end. */
    void stop() {
        to = Instant.now();
    }

    /** Dumps each JVM's recording and reports its hottest methods within the ladder. */
    void report(Report report, String label) {
        if (folder == null) {
            return;
        }
        if (to == null) {
            stop();
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(from);
        report.line("");
        report.line("Hottest methods (top frames of jdk.ExecutionSample from %s to %s), per JVM:",
                from.truncatedTo(ChronoUnit.SECONDS), to.truncatedTo(ChronoUnit.SECONDS));
        for (String jvm : JVMS) {
            Path pidFile = target.run().resolve(jvm + ".pid");
            if (!Files.exists(pidFile)) {
                continue;
            }
            Path file = folder.resolve(label + "-" + stamp + "-" + jvm + ".jfr");
            try {
                Files.createDirectories(folder);
                String out = Jvm.jcmd(Files.readString(pidFile).trim(), "JFR.dump", "name=bench", "filename=" + file);
                if (!Files.exists(file)) {
                    report.line("%s: no recording dumped (%s)", jvm, out.strip());
                    continue;
                }
                top(report, jvm, file);
            } catch (IOException | RuntimeException e) {
                report.line("%s: cannot read its recording: %s", jvm, e);
            }
        }
    }

    private void top(Report report, String jvm, Path file) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        long samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
                        || e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                RecordedMethod m = frames.getFirst().getMethod();
                counts.merge(m.getType().getName() + "." + m.getName(), 1L, Long::sum);
                samples++;
            }
        }
        report.line("");
        report.line("%s: %,d samples (%s)", jvm, samples, file);
        report.line("| %s: method | samples | share |", jvm);
        report.line("| --- | --- | --- |");
        long all = Math.max(1, samples);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
                .forEach(c -> report.line("| `%s` | %,d | %.1f%% |", c.getKey(), c.getValue(), 100.0 * c.getValue() / all));
    }
}
