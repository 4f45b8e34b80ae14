package dev.chat.ws;

import dev.chat.protocol.CloseCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event stream's wire form: a frame per data line, pings as comments, a last close event. */
class SseTransportTest {
    @Test
    void framesPingsAndTheCloseAreServerSentEvents() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseTransport t = new SseTransport(out);
        t.send("{\"type\":\"welcome\"}");
        t.ping();
        t.send("{\"type\":\"message.created\",\"seq\":1}");
        assertFalse(t.answersPings());
        assertFalse(t.closedByServer());
        t.close(CloseCode.UNAUTHENTICATED, "session ended");
        assertTrue(t.closedByServer());
        assertEquals("data: {\"type\":\"welcome\"}\n\n: ping\n\ndata: {\"type\":\"message.created\",\"seq\":1}\n\n"
                + "event: close\ndata: {\"code\":4401,\"reason\":\"session ended\"}\n\n", out.toString(StandardCharsets.UTF_8));
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                t.awaitEnd();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(waiter.join(java.time.Duration.ofSeconds(2)), "the request's thread is let go");
    }

    @Test
    void aWriteThatFailsEndsTheStream() throws Exception {
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }
        };
        SseTransport t = new SseTransport(gone);
        assertThrows(UncheckedIOException.class, () -> t.send("{}"));
        java.util.concurrent.CompletableFuture<Void> ended = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                t.awaitEnd();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ended.get(2, TimeUnit.SECONDS);
        assertFalse(t.closedByServer(), "the client went away");
    }
}
