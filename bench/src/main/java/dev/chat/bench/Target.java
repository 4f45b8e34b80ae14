package dev.chat.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The stack under test, as {@code ./chat bench} started it: where its front door is, how to reach
 * its database and broker for seeding and baselines, the secret that signs its tokens, and the
 * pid files of its processes.
 *
 * @param url          the front door, nginx TLS (https://localhost:port)
 * @param origin       the Origin header browsers send (the ws-nodes check it)
 * @param certificate  the stack's self-signed certificate, trusted by the load clients
 * @param dbUrl        JDBC URL of the stack's database (seeding large populations and history)
 * @param tokenSecret  the stack's signing secret (tokens for users seeded in the database)
 * @param amqpPort     the stack's RabbitMQ (the broker baseline runs in its own vhost)
 * @param run          the folder of pid files (api-1.pid, ws-1.pid, ...)
 * @param echoPath     path of the bare WebSocket echo behind the same nginx
 * @param sourceAddresses local addresses the clients spread their connections over
 */
record Target(String url, String origin, Path certificate, String dbUrl, String dbUser, String dbPassword,
              String tokenSecret, int amqpPort, String amqpVhost, Path run, String echoPath,
              List<String> sourceAddresses) {

    static Target fromSystemProperties() {
        String url = required("bench.url");
        return new Target(url, url, Path.of(required("bench.certificate")),
                required("bench.db.url"), required("bench.db.user"), required("bench.db.password"),
                required("bench.token.secret"), Integer.parseInt(required("bench.amqp.port")),
                System.getProperty("bench.amqp.vhost", "bench"), Path.of(required("bench.run")),
                "/bench/echo",
                List.of(System.getProperty("bench.sources", "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5").split(",")));
    }

    /** The same stack, with the clients' connections from these local addresses only. */
    Target from(List<String> addresses) {
        return new Target(url, origin, certificate, dbUrl, dbUser, dbPassword, tokenSecret, amqpPort, amqpVhost, run,
                echoPath, List.copyOf(addresses));
    }

    String wsUrl() {
        return url.replaceFirst("^https", "wss") + "/ws";
    }

    private static String required(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing -D" + name + " (run through ./chat bench)");
        }
        return v;
    }
}
