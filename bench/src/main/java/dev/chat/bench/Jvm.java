package dev.chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server JVM looked at from outside with {@code jcmd}: a full collection first, so that what
 * it holds is live data and not garbage the collector has not needed to reclaim yet.
 */
final class Jvm {
    /** Each generation's line of {@code GC.heap_info}, e.g. "DefNew     total 120640K, used 64356K [...". */
    private static final Pattern USED = Pattern.compile("(?m)^\\S+\\s+total \\d+K, used (\\d+)K");

    private Jvm() {
    }

    /** Runs a full GC in the JVM of the pid file's process; returns its heap in use afterwards, in bytes (-1 if unknown). */
    static long heapAfterGc(Path pidFile) {
        try {
            String pid = Files.readString(pidFile).trim();
            jcmd(pid, "GC.run");
            String info = jcmd(pid, "GC.heap_info");
            long used = 0;
            Matcher m = USED.matcher(info);
            while (m.find()) { // young and old generation
                used += Long.parseLong(m.group(1)) * 1024;
            }
            return used;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs {@code jcmd PID COMMAND ARGUMENTS...}; returns what it printed. */
    static String jcmd(String pid, String... command) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), pid));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
