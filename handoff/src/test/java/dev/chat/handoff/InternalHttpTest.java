package dev.chat.handoff;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-off's HTTP/1.1 over real loopback sockets, against a server that answers each request
 * with the next scripted response: what it sends, the answers it reads (Content-Length, chunked,
 * 204, Connection: close), kept-alive reuse, a kept-alive connection the server closed meanwhile,
 * and a server that goes away.
 */
class InternalHttpTest {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final LinkedBlockingQueue<String> script = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final InternalHttp http = new InternalHttp(URI.create("http://127.0.0.1:" + server.getLocalPort()),
            Duration.ofSeconds(1), Duration.ofSeconds(5));

    InternalHttpTest() throws IOException {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Reads requests (head and Content-Length body) and writes the next scripted answer; "CLOSE" closes without one. */
    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                String h = head.toString(StandardCharsets.ISO_8859_1);
                int at = h.indexOf("Content-Length: ") + "Content-Length: ".length();
                int length = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)));
                requests.add(h + new String(in.readNBytes(length), StandardCharsets.UTF_8));
                String answer = script.take();
                if (answer.equals("CLOSE")) {
                    return;
                }
                s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                if (answer.contains("Connection: close")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test ends the server
        }
    }

    @AfterEach
    void close() throws IOException {
        http.close();
        server.close();
    }

    @Test
    void sendsThePostAndReadsAnswersOfEveryShapeOverOneConnection() {
        script.add("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\nhello");
        InternalHttp.Answer a = http.post("/internal/frames", Map.of("X-Chat-Node-Key", "k1"), "body!".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, a.status());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), a.body());
        String sent = requests.getFirst();
        assertTrue(sent.startsWith("POST /internal/frames HTTP/1.1\r\n"), sent);
        assertTrue(sent.contains("\r\nContent-Length: 5\r\n") && sent.contains("\r\nX-Chat-Node-Key: k1\r\n") && sent.endsWith("\r\n\r\nbody!"), sent);

        script.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n");
        assertArrayEquals("abcdefg".getBytes(StandardCharsets.UTF_8), http.post("/p", Map.of(), new byte[0]).body());
        script.add("HTTP/1.1 204 No Content\r\n\r\n");
        InternalHttp.Answer empty = http.post("/p", Map.of(), new byte[0]);
        assertEquals(204, empty.status());
        assertEquals(0, empty.body().length);
        script.add("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        assertEquals(503, http.post("/p", Map.of(), new byte[0]).status());
        assertEquals(1, connections.get(), "every call on the one kept-alive connection");
    }

    @Test
    void aConnectionTheServerClosesIsNotUsedAgain() {
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        assertEquals(200, http.post("/p", Map.of(), new byte[0]).status());
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(200, http.post("/p", Map.of(), new byte[0]).status());
        assertEquals(2, connections.get());
    }

    @Test
    void aKeptConnectionClosedMeanwhileIsReplacedOnceAndTheCallSucceeds() {
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals(200, http.post("/p", Map.of(), new byte[0]).status());
        script.add("CLOSE"); // the server drops the kept connection without answering
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
        assertArrayEquals("again".getBytes(StandardCharsets.UTF_8), http.post("/p", Map.of(), new byte[0]).body());
        assertEquals(2, connections.get());
    }

    @Test
    void noAnswerOnAFreshConnectionOrNoServerIsAFailure() throws IOException {
        script.add("CLOSE");
        assertThrows(UncheckedIOException.class, () -> http.post("/p", Map.of(), new byte[0]));
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort"); // the body ends early
        assertThrows(UncheckedIOException.class, () -> http.post("/p", Map.of(), new byte[0]));
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        try (InternalHttp nobody = new InternalHttp(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1), Duration.ofSeconds(5))) {
            assertThrows(UncheckedIOException.class, () -> nobody.post("/p", Map.of(), new byte[0]));
        }
    }
}
