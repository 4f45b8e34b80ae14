package dev.chat.api;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A real api JVM with the test's class path, configured through the environment like production, for tests that kill it. */
record ApiProcess(Process process, String id, int port) {

    static ApiProcess start(ChatServers.Stack stack, String prefix) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                "dev.chat.api.Main"));
        Map<String, String> env = pb.environment();
        env.put("CHAT_INSTANCE_ID", id);
        env.put("CHAT_HTTP_HOST", "127.0.0.1");
        env.put("CHAT_HTTP_PORT", String.valueOf(port));
        env.put("CHAT_DB_URL", stack.dbUrl());
        env.put("CHAT_DB_USER", stack.dbUser());
        env.put("CHAT_DB_PASSWORD", stack.dbPassword());
        env.put("CHAT_AMQP_HOST", stack.amqp().host());
        env.put("CHAT_AMQP_PORT", String.valueOf(stack.amqp().port()));
        env.put("CHAT_AMQP_USER", stack.amqp().username());
        env.put("CHAT_AMQP_PASSWORD", stack.amqp().password());
        env.put("CHAT_AMQP_VHOST", stack.amqp().virtualHost());
        env.put("CHAT_TOKEN_SECRET", ChatServers.TOKEN_SECRET);
        env.put("CHAT_MEMCACHED", stack.memcached().getHostString() + ":" + stack.memcached().getPort());
        env.put("CHAT_COOKIE_SECURE", "false");
        env.put("CHAT_LIMITS_SENDS_USER", "100000/1m");
        File log = new File("target/api-" + id + ".log");
        pb.redirectErrorStream(true).redirectOutput(log);
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = TestClient.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return new ApiProcess(p, id, port);
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the api process died at start; see " + log);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the api process did not become ready; see " + log);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL: no goodbye, no cleanup, requests cut in the middle. */
    void kill() {
        process.destroyForcibly();
    }
}
