package dev.chat.handoff;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The HTTP/1.1 of a hand-off: {@code POST}s to one api instance's internal listener over kept-alive
 * plain sockets, called from virtual threads in blocking style. It speaks only what that listener
 * answers (a status line, headers, a body of {@code Content-Length} or chunked, {@code Connection:
 * close}) and nothing else HTTP has.
 *
 * <p>Why not Helidon's web client: at 4.1.2 it renders every response body it reads as a hex dump
 * for a TRACE log line whether or not that level is on ({@code ContentLengthInputStream}), which
 * with the rest of its per-call machinery was about half of a ws-node's CPU at 100 messages a
 * second (docs/BENCHMARKS.md). Here a call is one write and, for a short answer, one read.
 *
 * <p>Idle connections are kept in a pool and reused; one that turns out to have been closed by
 * the server before any answer came is replaced by a fresh one once, so an idle timeout on the
 * other side is never a failed call. Thread-safe.
 */
final class InternalHttp implements AutoCloseable {
    /** A status and its body (empty for 204). */
    record Answer(int status, byte[] body) {
    }

    private static final int MAX_HEAD = 16 * 1024;
    private final String host;
    private final int port;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    InternalHttp(URI uri, Duration connectTimeout, Duration readTimeout) {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("an api instance's internal address is http://host:port: " + uri);
        }
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.connectTimeoutMs = (int) connectTimeout.toMillis();
        this.readTimeoutMs = (int) readTimeout.toMillis();
    }

    /** Posts {@code body} to {@code path} with {@code headers}; throws {@link UncheckedIOException} when no answer came. */
    Answer post(String path, Map<String, String> headers, byte[] body) {
        byte[] head = head(path, headers, body.length);
        for (int attempt = 0; ; attempt++) {
            Connection c = idle.pollFirst();
            boolean reused = c != null;
            try {
                if (c == null) {
                    c = connect();
                }
                Answer answer = c.exchange(head, body);
                if (c.reusable && !closed) {
                    idle.offerFirst(c);
                } else {
                    c.close();
                }
                return answer;
            } catch (IOException e) {
                if (c != null) {
                    c.close();
                }
                // a kept-alive connection the server had closed meanwhile fails before any answer: once more, on a new one
                if (!(reused && c.nothingRead && attempt == 0)) {
                    throw new UncheckedIOException("hand-off to " + host + ":" + port + " failed", e);
                }
            }
        }
    }

    private byte[] head(String path, Map<String, String> headers, int length) {
        StringBuilder h = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\nContent-Length: ").append(length).append("\r\n");
        headers.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Connection connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            socket.setSoTimeout(readTimeoutMs);
            return new Connection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            c.close();
        }
    }

    /** One kept-alive connection: used by one call at a time. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean reusable;
        private boolean nothingRead;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
        }

        Answer exchange(byte[] head, byte[] body) throws IOException {
            reusable = false;
            nothingRead = true;
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();
            String status = line();
            nothingRead = false;
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("a malformed header: " + line);
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] answer;
            if (code == 204 || code == 304 || code / 100 == 1) {
                answer = new byte[0];
            } else if (chunked) {
                answer = chunks();
            } else if (length >= 0) {
                answer = in.readNBytes(Math.toIntExact(length));
                if (answer.length != length) {
                    throw new EOFException("the answer ended after " + answer.length + " of " + length + " bytes");
                }
            } else {
                answer = in.readAllBytes(); // delimited by the end of the connection
                close = true;
            }
            reusable = !close;
            return new Answer(code, answer);
        }

        private byte[] chunks() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers: none are used
                    }
                    return all.toByteArray();
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length != n) {
                    throw new EOFException("a chunk ended early");
                }
                all.write(chunk);
                if (!line().isEmpty()) {
                    throw new IOException("a chunk not followed by its line end");
                }
            }
        }

        /** One line without its CRLF; throws at the end of the stream. */
        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the connection ended");
                }
                if (b == '\n') {
                    int end = s.length() > 0 && s.charAt(s.length() - 1) == '\r' ? s.length() - 1 : s.length();
                    return s.substring(0, end);
                }
                if (s.length() >= MAX_HEAD) {
                    throw new IOException("a line longer than " + MAX_HEAD + " bytes");
                }
                s.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
    }
}
