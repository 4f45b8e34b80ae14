package dev.chat.api;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A real api or ws-node JVM with the test's class path, configured through the environment like
 * production and ready when it answers, for tests that kill it.
 */
record ServerProcess(Process process, String id, int port) {

    static ServerProcess node(ChatServers.Stack stack, String prefix) throws Exception {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        int port = freePort();
        Map<String, String> env = common(stack);
        env.put("CHAT_NODE_ID", id);
        env.put("CHAT_WS_HOST", "127.0.0.1");
        env.put("CHAT_WS_PORT", String.valueOf(port));
        env.put("CHAT_ALLOWED_ORIGINS", ChatServers.ORIGIN);
        env.put("CHAT_API_URLS", String.join(",", stack.apiInternalUrls().stream().map(Object::toString).toList()));
        return start("dev.chat.ws.Main", "-Xmx128m", id, port, env);
    }

    static ServerProcess api(ChatServers.Stack stack, String prefix) throws Exception {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        int port = freePort();
        Map<String, String> env = common(stack);
        env.put("CHAT_INSTANCE_ID", id);
        env.put("CHAT_HTTP_HOST", "127.0.0.1");
        env.put("CHAT_HTTP_PORT", String.valueOf(port));
        env.put("CHAT_INTERNAL_PORT", String.valueOf(freePort()));
        env.put("CHAT_DB_URL", stack.dbUrl());
        env.put("CHAT_DB_USER", stack.dbUser());
        env.put("CHAT_DB_PASSWORD", stack.dbPassword());
        env.put("CHAT_COOKIE_SECURE", "false");
        env.put("CHAT_LIMITS_SENDS_USER", "100000/1m");
        env.put("CHAT_INTERNAL_ANNOUNCE", "false"); // the stack's ws-nodes hand frames to the stack's api instances only
        return start("dev.chat.api.Main", "-Xmx192m", id, port, env);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    /** SIGKILL: no goodbye, no cleanup, requests cut in the middle. */
    void kill() {
        process.destroyForcibly();
    }

    /** The servers and the secret, as the environment variables named after the settings (chat.amqp.host: CHAT_AMQP_HOST). */
    private static Map<String, String> common(ChatServers.Stack stack) {
        Map<String, String> env = new HashMap<>();
        ChatServers.servers(stack.amqp(), stack.memcached())
                .forEach((key, value) -> env.put(key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ServerProcess start(String mainClass, String heap, String id, int port, Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, heap, "-cp", System.getProperty("java.class.path"), mainClass));
        pb.environment().putAll(env);
        File log = new File("target/" + id + ".log");
        pb.redirectErrorStream(true).redirectOutput(log);
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = TestClient.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return new ServerProcess(p, id, port);
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(mainClass + " died at start; see " + log);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException(mainClass + " did not become ready; see " + log);
    }
}
