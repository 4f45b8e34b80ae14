package dev.chat.fanout;

import com.rabbitmq.client.AMQP;

/**
 * ws-node's side of the commands queue: publishes a client's command, persistent and confirmed,
 * so that once {@link #publish} returns the command waits for api even across a broker restart.
 * Thread-safe.
 */
public final class CommandPublisher implements AutoCloseable {
    private final ConfirmedChannels channels;
    private final CommandCodec codec;

    public CommandPublisher(AmqpSettings settings, String connectionName, int poolSize, CommandCodec codec) {
        this.codec = codec;
        this.channels = new ConfirmedChannels(settings, connectionName, poolSize, Topology::declareCommandsQueue);
    }

    public void publish(Command command) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .messageId(command.id().toString())
                .type(command.type().wireName())
                .deliveryMode(2)
                .build();
        byte[] body = codec.encode(command);
        channels.publishConfirmed(ch -> ch.basicPublish("", Topology.COMMANDS_QUEUE, props, body));
    }

    public boolean isOpen() {
        return channels.isOpen();
    }

    @Override
    public void close() {
        channels.close();
    }
}
