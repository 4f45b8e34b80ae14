package dev.chat.ws;

import dev.chat.protocol.CloseCode;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

import java.util.logging.Level;
import java.util.logging.Logger;

/** A session's frames as WebSocket text frames. */
final class WsTransport implements Transport {
    private static final Logger LOG = Logger.getLogger(WsTransport.class.getName());
    private final WsSession ws;

    WsTransport(WsSession ws) {
        this.ws = ws;
    }

    @Override
    public void send(String frame) {
        ws.send(frame, true);
    }

    @Override
    public void ping() {
        ws.ping(BufferData.empty());
    }

    @Override
    public boolean answersPings() {
        return true;
    }

    @Override
    public void close(CloseCode code, String reason) {
        ws.close(code.code(), reason);
    }

    /**
     * Closes the TCP connection under the session. (Helidon's {@code terminate()} writes a close
     * frame first, which blocks on a full socket just like ours did.) Blocked writes then fail and
     * every thread of this session ends.
     */
    @Override
    public void drop() {
        if (ws.socketContext() instanceof io.helidon.webserver.ConnectionContext connection) {
            try {
                connection.serverSocket().close();
            } catch (UnsupportedOperationException | java.io.UncheckedIOException e) {
                LOG.log(Level.FINE, "cannot drop the connection", e);
            }
        }
    }
}
