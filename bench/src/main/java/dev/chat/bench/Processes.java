package dev.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of the stack's processes, from /proc. A server made of several
 * processes (PostgreSQL's backends, RabbitMQ's Erlang VM under its start script, nginx's workers)
 * is counted with all its descendants.
 */
final class Processes {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final long PAGE = 4096;

    /** Cumulative CPU seconds and current resident bytes of one named server. */
    record Usage(String name, double cpuSeconds, long rssBytes) {
    }

    private final Map<String, Long> roots = new LinkedHashMap<>();

    /** The servers whose pid files are in {@code run}, in the order given. */
    Processes(Path run, List<String> names) {
        for (String name : names) {
            try {
                roots.put(name, Long.parseLong(Files.readString(run.resolve(name + ".pid")).trim()));
            } catch (IOException | NumberFormatException e) {
                // not running in this stack: left out of the table
            }
        }
    }

    Processes(Map<String, Long> roots) {
        this.roots.putAll(roots);
    }

    List<Usage> sample() {
        Map<Long, long[]> all = readAll(); // pid -> {ppid, pgrp, cpuTicks, rssPages}
        List<Usage> out = new ArrayList<>();
        for (var e : roots.entrySet()) {
            long ticks = 0;
            long pages = 0;
            for (var p : all.entrySet()) {
                if (descends(all, p.getKey(), e.getValue())) {
                    ticks += p.getValue()[2];
                    pages += p.getValue()[3];
                }
            }
            out.add(new Usage(e.getKey(), ticks / (double) TICKS_PER_SECOND, pages * PAGE));
        }
        return out;
    }

    private static boolean descends(Map<Long, long[]> all, long pid, long root) {
        for (int depth = 0; depth < 16 && pid > 1; depth++) {
            if (pid == root) {
                return true;
            }
            long[] info = all.get(pid);
            if (info == null) {
                return false;
            }
            pid = info[0];
        }
        return false;
    }

    private static Map<Long, long[]> readAll() {
        Map<Long, long[]> all = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ... rss is field 24
                    long ppid = Long.parseLong(f[1]);
                    long pgrp = Long.parseLong(f[2]);
                    long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    long rss = Long.parseLong(f[21]);
                    all.put(Long.parseLong(p.getFileName().toString()), new long[] {ppid, pgrp, cpu, rss});
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return all;
    }

    /** CPU seconds each server used between two samples, in the order of the samples. */
    static Map<String, Double> cpuSeconds(List<Usage> before, List<Usage> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        for (int i = 0; i < after.size(); i++) {
            used.put(after.get(i).name(), after.get(i).cpuSeconds() - before.get(i).cpuSeconds());
        }
        return used;
    }

    /** CPU use (in cores) and memory of each server between two samples. */
    static String table(List<Usage> before, List<Usage> after, double seconds) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < after.size(); i++) {
            Usage a = after.get(i);
            Usage s = before.get(i);
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(String.format("%s %.0f%% %d MiB", a.name(), 100 * (a.cpuSeconds() - s.cpuSeconds()) / seconds,
                    a.rssBytes() >> 20));
        }
        return b.toString();
    }
}
