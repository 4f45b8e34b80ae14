package dev.chat.fanout;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * api's end of the announcements: says "up at {@code address}" every {@link ApiAnnouncement#PERIOD}
 * on {@link Topology#APIS_EXCHANGE}, and "leaving" once when closed, so ws-nodes hand it frames
 * while it runs and stop choosing it as it drains. Its own connection, recovered on any broker node;
 * an announcement that cannot be published is skipped (the next one comes soon, and a ws-node
 * keeps an address until several were missed). Thread-safe.
 */
public final class ApiAnnouncer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiAnnouncer.class.getName());

    private final Connection connection;
    private final Channel channel;
    private final URI address;
    private final ScheduledExecutorService timer;
    private boolean closed;
    private boolean left;

    private ApiAnnouncer(Connection connection, Channel channel, URI address) {
        this.connection = connection;
        this.channel = channel;
        this.address = address;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("api-announcer").daemon().factory());
    }

    /** Connects, and announces {@code address} now and every period. */
    public static ApiAnnouncer start(AmqpSettings settings, String connectionName, URI address) {
        new ApiAnnouncement(address, true); // refuses an address no node could use, before connecting
        try {
            Connection connection = settings.connect(settings.connectionFactory(), connectionName);
            Channel channel = connection.createChannel();
            Topology.declareApisExchange(channel);
            ApiAnnouncer announcer = new ApiAnnouncer(connection, channel, address);
            announcer.timer.scheduleAtFixedRate(() -> announcer.say(true), 0, ApiAnnouncement.PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
            return announcer;
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot announce at the broker at " + settings, e);
        }
    }

    /** The address announced. */
    public URI address() {
        return address;
    }

    private synchronized void say(boolean up) {
        if (closed || left) {
            return;
        }
        left = !up;
        try {
            channel.basicPublish(Topology.APIS_EXCHANGE, "", null, new ApiAnnouncement(address, up).encode());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "announcement skipped", e);
        }
    }

    /**
     * Says "leaving", then waits {@code drain} (the instance still serves meanwhile: hand-offs already
     * on their way finish, and ws-nodes stop choosing it), then closes.
     */
    public void leave(java.time.Duration drain) {
        timer.shutdownNow();
        say(false);
        try {
            Thread.sleep(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Says "leaving" (once), stops announcing and closes the connection. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
        say(false);
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
