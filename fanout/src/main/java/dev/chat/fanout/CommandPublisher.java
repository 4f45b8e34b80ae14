package dev.chat.fanout;

import com.rabbitmq.client.AMQP;

/**
 * ws-node's side of the commands queue: publishes a client's command, confirmed (routed to the
 * queue) but not persistent. A command is not yet accepted: the client keeps it in its outbox
 * until the ack, which api sends only after its commit, and resends it (idempotently, by
 * clientMsgId) if the ack does not come. Writing every command to the broker's disk as well cost
 * a disk write per keystroke-sized frame and bought nothing the client's retry does not
 * (docs/BENCHMARKS.md). Thread-safe.
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
                .deliveryMode(1)
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
