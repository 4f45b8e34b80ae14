package dev.chat.ws;

import dev.chat.protocol.CloseCode;

/**
 * How a {@link ClientSession}'s frames reach its client: a WebSocket ({@link WsTransport}) or a
 * Server-Sent Events stream ({@link SseTransport}). The session calls these from one writer thread
 * at a time ({@link #close} from a closer thread of its own); a write may block on a slow client.
 */
interface Transport {
    /** Writes one frame (a JSON object on one line) and pushes it out. */
    void send(String frame);

    /** Writes a keep-alive. */
    void ping();

    /**
     * Whether the client answers {@link #ping} (a WebSocket pong): then only what the client sends
     * proves it alive. An event stream cannot answer; a ping it took is its proof of life.
     */
    boolean answersPings();

    /** Ends the connection, telling the client why (a close frame; the stream's last event). */
    void close(CloseCode code, String reason);

    /** Drops the connection under the session without a word (the close could not be written in time). */
    void drop();
}
