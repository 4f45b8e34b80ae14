package dev.chat.fanout;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.helidon.config.Config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Where the broker is: one node ({@code host}, {@code port}) and, when the broker is a cluster, its
 * other nodes ({@code cluster}: {@code host:port} comma-separated, empty for one node).
 * Connections go to any node of the list (the client shuffles it) and recover on any that is up.
 * {@link #toString()} hides the password.
 */
public record AmqpSettings(String host, int port, String username, String password, String virtualHost, String cluster) {
    public AmqpSettings {
        Objects.requireNonNull(host, "amqp host");
        Objects.requireNonNull(username, "amqp username");
        Objects.requireNonNull(password, "amqp password");
        virtualHost = virtualHost == null || virtualHost.isBlank() ? "/" : virtualHost;
        cluster = cluster == null ? "" : cluster.strip();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("amqp port out of range: " + port);
        }
        parse(cluster);
    }

    /** One broker node. */
    public AmqpSettings(String host, int port, String username, String password, String virtualHost) {
        this(host, port, username, password, virtualHost, "");
    }

    /**
     * The broker named by {@code amqp} (the {@code chat.amqp} node of api's or a ws-node's settings:
     * host, port, user, password, vhost, and the cluster's other nodes), every key but cluster present
     * (the module's application.yaml holds the defaults).
     */
    public static AmqpSettings from(Config amqp) {
        return new AmqpSettings(amqp.get("host").asString().get(), amqp.get("port").asInt().get(),
                amqp.get("user").asString().get(), amqp.get("password").asString().get(),
                amqp.get("vhost").asString().get(), amqp.get("cluster").asString().orElse(""));
    }

    /** Every node: {@code host:port} first, then the cluster's others. */
    public List<Address> addresses() {
        List<Address> all = new ArrayList<>();
        all.add(new Address(host, port));
        all.addAll(parse(cluster));
        return all;
    }

    private static List<Address> parse(String cluster) {
        List<Address> out = new ArrayList<>();
        for (String part : cluster.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            try {
                int port = Integer.parseInt(p.substring(colon + 1));
                if (colon < 1 || port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                out.add(new Address(p.substring(0, colon), port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("amqp cluster: expected host:port, comma-separated, not \"" + p + "\"");
            }
        }
        return out;
    }

    /**
     * A factory with automatic connection and topology recovery: after the loss of its broker node
     * the client reconnects (to any node of {@link #addresses()}), redeclares the node queue, its
     * bindings and consumers by itself.
     */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setUsername(username);
        f.setPassword(password);
        f.setVirtualHost(virtualHost);
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(1000);
        f.setRequestedHeartbeat(15);
        f.setConnectionTimeout(5000);
        return f;
    }

    /** A connection from {@code factory} (one of {@link #connectionFactory()}) to any node of {@link #addresses()}. */
    public Connection connect(ConnectionFactory factory, String name) throws IOException, TimeoutException {
        return factory.newConnection(addresses(), name);
    }

    @Override
    public String toString() {
        return "amqp://" + username + ":[REDACTED]@" + host + ":" + port + virtualHost
                + (cluster.isEmpty() ? "" : " (and " + cluster + ")");
    }
}
