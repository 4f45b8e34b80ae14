package dev.chat.ws;

import dev.chat.protocol.CloseCode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A session's frames as a Server-Sent Events stream (the HTTP fallback, docs/PROTOCOL.md): each
 * frame is one {@code data:} line (frames are JSON on one line), a ping is a comment line, and the
 * close is a last {@code close} event naming the close code a socket would get. The request's
 * thread waits in {@link #awaitEnd} while the session's writer writes; the stream ends when the
 * session closes it or a write fails (the client went away). Thread-safe.
 */
final class SseTransport implements Transport {
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
    private final OutputStream out;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean closedByServer;

    SseTransport(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void send(String frame) {
        write(("data: " + frame + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void ping() {
        write(PING);
    }

    @Override
    public boolean answersPings() {
        return false;
    }

    @Override
    public void close(CloseCode code, String reason) {
        closedByServer = true;
        try {
            synchronized (this) {
                write(("event: close\ndata: {\"code\":" + code.code() + ",\"reason\":\"" + reason.replace("\"", "'") + "\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (UncheckedIOException e) {
            // gone already
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void drop() {
        closedByServer = true;
        ended.countDown();
        Thread.ofVirtual().start(() -> {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is being dropped anyway
            }
        });
    }

    /** Whether the node ended the stream (else the client went away). */
    boolean closedByServer() {
        return closedByServer;
    }

    /** Blocks the request's thread until the stream ends. */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            ended.countDown();
            throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
        }
    }
}
