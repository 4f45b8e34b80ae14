package dev.chat.fanout;

import com.rabbitmq.client.ConnectionFactory;
import io.helidon.config.Config;

import java.util.Objects;

/**
 * Where the broker is. {@link #toString()} hides the password.
 */
public record AmqpSettings(String host, int port, String username, String password, String virtualHost) {
    public AmqpSettings {
        Objects.requireNonNull(host, "amqp host");
        Objects.requireNonNull(username, "amqp username");
        Objects.requireNonNull(password, "amqp password");
        virtualHost = virtualHost == null || virtualHost.isBlank() ? "/" : virtualHost;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("amqp port out of range: " + port);
        }
    }

    /**
     * The broker named by {@code amqp} (the {@code chat.amqp} node of api's or a ws-node's settings:
     * host, port, user, password, vhost), every key present (the module's application.yaml holds
     * the defaults).
     */
    public static AmqpSettings from(Config amqp) {
        return new AmqpSettings(amqp.get("host").asString().get(), amqp.get("port").asInt().get(),
                amqp.get("user").asString().get(), amqp.get("password").asString().get(),
                amqp.get("vhost").asString().get());
    }

    /**
     * A factory with automatic connection and topology recovery: after a broker restart the client
     * reconnects, redeclares the node queue, its bindings and consumers by itself.
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

    @Override
    public String toString() {
        return "amqp://" + username + ":[REDACTED]@" + host + ":" + port + virtualHost;
    }
}
