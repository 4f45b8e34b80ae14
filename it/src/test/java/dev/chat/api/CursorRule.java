package dev.chat.api;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The web client's own rule for the contiguous cursor ({@code web/js/cursor.js}, the file the
 * browser runs), run under node, so the integration tests' devices resume exactly as the web
 * client does rather than by a copy of the rule that could drift from it. One node process serves
 * the whole test JVM (a reconnect storm asks hundreds of times within a second): a question is one
 * line of JSON on its stdin, the answer one line on its stdout.
 */
final class CursorRule {
    private static Process node;
    private static BufferedWriter questions;
    private static BufferedReader answers;

    private CursorRule() {
    }

    /**
     * cursor.js's {@code contiguous(from, held)}: the highest seq such that every seq from
     * {@code from + 1} up to it is held.
     */
    static synchronized long contiguous(long from, Collection<Long> held) {
        StringBuilder q = new StringBuilder(32 + held.size() * 6).append("{\"from\":").append(from).append(",\"held\":[");
        boolean first = true;
        for (long seq : held) {
            q.append(first ? "" : ",").append(seq);
            first = false;
        }
        q.append("]}\n");
        try {
            if (node == null || !node.isAlive()) {
                start();
            }
            questions.write(q.toString());
            questions.flush();
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException("node gave no answer for the cursor rule (exit " + exitOf(node) + ")");
            }
            return Long.parseLong(line.trim());
        } catch (IOException e) {
            throw new UncheckedIOException("the cursor rule under node failed", e);
        }
    }

    private static void start() throws IOException {
        // the file exactly as the web client gets it (from the class path: target/classes, or the
        // packaged jar in the integration-test phase), handed to node as a data: URL
        byte[] source;
        try (InputStream in = CursorRule.class.getResourceAsStream("/web/js/cursor.js")) {
            if (in == null) {
                throw new IllegalStateException("web/js/cursor.js is not on the test class path");
            }
            source = in.readAllBytes();
        }
        String script = """
                const { contiguous } = await import(process.argv[1]);
                const { createInterface } = await import('node:readline');
                createInterface({ input: process.stdin }).on('line', (line) => {
                  const q = JSON.parse(line);
                  process.stdout.write(contiguous(q.from, new Set(q.held)) + '\\n');
                });
                """;
        String url = "data:text/javascript;base64," + Base64.getEncoder().encodeToString(source);
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("chat.it.node", "node"), "--input-type=module", "-e", script, url)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            node = pb.start();
        } catch (IOException e) {
            throw new IOException("the integration tests run the web client's cursor rule with node (Debian: apt-get install nodejs;"
                    + " ./chat test installs it), or set -Dchat.it.node=/path/to/node", e);
        }
        questions = new BufferedWriter(new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8));
        answers = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        Process started = node;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
    }

    private static String exitOf(Process p) {
        try {
            return p.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
