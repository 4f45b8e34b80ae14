package dev.chat.fanout;

import com.rabbitmq.client.ConnectionFactory;

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
