package dev.chat.fanout;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A ws-node's end of the announcements: its own queue bound to {@link Topology#APIS_EXCHANGE}, each
 * announcement handed to {@code handler} (the node's directory of api instances). Its own
 * connection, so the node's event consumer and this never wait on each other; recovered with its
 * queue on any broker node. A malformed announcement is logged and dropped. Thread-safe.
 */
public final class ApiListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiListener.class.getName());

    private final Connection connection;

    public ApiListener(AmqpSettings settings, String nodeId, Consumer<ApiAnnouncement> handler) {
        try {
            this.connection = settings.connect(settings.connectionFactory(), "ws-node-" + nodeId + "-apis");
            Channel channel = connection.createChannel();
            String queue = Topology.declareApisQueue(channel, nodeId);
            channel.basicConsume(queue, true, "apis-" + nodeId, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope delivery, AMQP.BasicProperties props, byte[] body) {
                    try {
                        handler.accept(ApiAnnouncement.decode(body));
                    } catch (MalformedEnvelopeException e) {
                        LOG.log(Level.WARNING, "dropping an api announcement: {0}", e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "api announcement handler failed", e);
                    }
                }
            });
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot listen to api announcements at the broker at " + settings, e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
