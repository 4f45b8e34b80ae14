package dev.chat.api;

import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client that writes frames byte by byte, so tests can send what no well-behaved
 * client library would: invalid UTF-8, reserved opcodes and bits, unmasked or oversized frames,
 * garbage. It can also stop reading (a slow consumer) with a small receive buffer.
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;

    /** What the server did: a close frame (with its code), a text frame, or the TCP connection ended. */
    record Outcome(String kind, int code, String text) {
        /** The text read as the protocol's record, or null when there is none or it is not a frame the server writes. */
        ToClient frame() {
            try {
                return text == null ? null : TestClient.EVENTS.decode(text);
            } catch (IllegalArgumentException notAServerFrame) {
                return null;
            }
        }

        @Override
        public String toString() {
            return kind + (code > 0 ? " " + code : "") + (text == null ? "" : " " + text);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and upgrades with a bearer token; fails unless the server answers 101. */
    static RawWebSocket open(int port, String token, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head);
        }
        return new RawWebSocket(s);
    }

    /** Writes one frame exactly as described (masked with a random key unless {@code masked} is false). */
    void frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else if (payload.length < 65_536) {
            f.write(maskBit | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(maskBit | 127);
            long len = payload.length;
            for (int i = 7; i >= 0; i--) {
                f.write((int) (len >>> (8 * i)) & 0xFF);
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            f.write(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        f.write(body);
        out.write(f.toByteArray());
        out.flush();
    }

    void text(String s) throws IOException {
        frame(true, 0, TEXT, s.getBytes(StandardCharsets.UTF_8), true);
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The server's next frame or the end of the connection, waiting at most {@code timeout}; null if nothing came. */
    Outcome next(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return new Outcome("eof", 0, null);
            }
            int b1 = read();
            if (b0 == 'H' && b1 == 'T') {
                // not a frame: an HTTP status line written into the upgraded connection
                String line = "HT" + new String(in.readNBytes(Math.min(40, in.available())), StandardCharsets.US_ASCII).split("\r\n")[0];
                return new Outcome("http-response", 0, line);
            }
            long len = b1 & 0x7F;
            if (len == 126) {
                len = (read() << 8) | read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | read();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            int opcode = b0 & 0xF;
            if (opcode == CLOSE) {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                return new Outcome("close", code, null);
            }
            return new Outcome(opcode == TEXT ? "text" : "opcode-" + opcode, 0, new String(payload, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return new Outcome("reset", 0, null);
        }
    }

    /**
     * Reads until a close frame or the end of the connection. When neither comes in time: "open"
     * with the first error frame seen (else the last frame), or null if nothing came at all.
     */
    Outcome awaitEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outcome seen = null; // the first error frame, else the last text frame
        while (System.nanoTime() < deadline) {
            Outcome o = next(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (o == null) {
                break;
            }
            if (!o.kind().equals("text")) {
                return o;
            }
            if (seen == null || !(seen.frame() instanceof ServerFrame.Error)) {
                seen = o;
            }
        }
        return seen == null ? null : new Outcome("open", 0, seen.text());
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("eof");
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }
}
