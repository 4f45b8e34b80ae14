package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.Message;
import dev.chat.protocol.ServerEvents;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bearer-token API client and WebSocket client for integration tests, as a bot would use them.
 * On the socket it speaks the protocol's records: frames are written from {@link ClientFrame}s and
 * what arrives is read into {@link ToClient} records; REST answers stay JSON.
 */
final class TestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Writes client frames from the protocol's records. */
    static final ClientFrames FRAMES = new ClientFrames(MAPPER);
    /** Reads what the server writes into the protocol's records. */
    static final ServerEvents EVENTS = new ServerEvents();
    /** Plain http to the servers of this JVM; https to the test stack's nginx, trusting its certificate (LiveNodesIT). */
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(stackTls()).build();

    record Response(int status, String contentType, JsonNode body, String raw) {
    }

    /** A response kept as bytes, with all its headers (downloads). */
    record Bytes(int status, HttpHeaders headers, byte[] body) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            return parse(new String(body, StandardCharsets.UTF_8));
        }
    }

    final String apiUrl;
    final String username;
    final String token;
    final UUID id;

    private TestClient(String apiUrl, String username, String token, UUID id) {
        this.apiUrl = apiUrl;
        this.username = username;
        this.token = token;
        this.id = id;
    }

    /** A client for a user made without signing up (e.g. written to the database, with a minted token). */
    static TestClient withToken(String apiUrl, String username, String token, UUID id) {
        return new TestClient(apiUrl, username, token, id);
    }

    /** Signs up a fresh user and keeps its bearer token. */
    static TestClient signUp(String apiUrl, String username) {
        Response r = request(apiUrl, "POST", "/api/auth/signup", null,
                "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("signup failed: " + r.status() + " " + r.raw());
        }
        return new TestClient(apiUrl, username, r.body().get("accessToken").asText(),
                UUID.fromString(r.body().at("/user/id").asText()));
    }

    Response get(String path) {
        return request(apiUrl, "GET", path, token, null);
    }

    Response post(String path, String json) {
        return request(apiUrl, "POST", path, token, json);
    }

    Response put(String path, String json) {
        return request(apiUrl, "PUT", path, token, json);
    }

    Response delete(String path) {
        return request(apiUrl, "DELETE", path, token, null);
    }

    /** PUT of raw bytes as {@code application/octet-stream} (attachment chunks); the answer is JSON. */
    Response putBytes(String path, byte[] bytes) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        try {
            HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            return new Response(res.statusCode(), res.headers().firstValue("Content-Type").orElse(""),
                    res.body().isEmpty() ? null : parse(res.body()), res.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET whose body is kept as bytes; {@code headers} are name, value, name, value, … (e.g. Range). */
    Bytes download(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        // the whole body within the time, not only the headers (a short body under a longer
        // Content-Length would otherwise hang until the server drops the connection)
        CompletableFuture<HttpResponse<byte[]>> call = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            HttpResponse<byte[]> res = call.get(60, TimeUnit.SECONDS);
            return new Bytes(res.statusCode(), res.headers(), res.body());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            throw new IllegalStateException("GET " + path + ": the whole body did not arrive within 60 s");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    UUID openDirect(String peer) {
        Response r = post("/api/conversations", "{\"kind\":\"direct\",\"username\":\"" + peer + "\"}");
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("open failed: " + r.raw());
        }
        return UUID.fromString(r.body().get("id").asText());
    }

    /** The same client talking to another api instance (its token is valid on every instance). */
    TestClient via(String otherApiUrl) {
        return new TestClient(otherApiUrl, username, token, id);
    }

    Response send(UUID conversation, String clientMsgId, String text) {
        return post("/api/conversations/" + conversation + "/messages",
                MAPPER.createObjectNode().put("clientMsgId", clientMsgId).put("text", text).toString());
    }

    static Response request(String apiUrl, String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = res.body().isEmpty() ? null : parse(res.body());
            return new Response(res.statusCode(), res.headers().firstValue("Content-Type").orElse(""), body, res.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Opens a WebSocket to a node with this client's token and collects what arrives. Through nginx
     * ({@code wss://host:port/ws}) it comes from the page's origin, {@code https://host:port}, as a browser's does.
     */
    Socket connect(String wsUrl) {
        URI uri = URI.create(wsUrl);
        return Socket.open(wsUrl, "Bearer " + token, "wss".equals(uri.getScheme()) ? "https://" + uri.getRawAuthority() : ChatServers.ORIGIN);
    }

    /**
     * TLS trusting the certificate of the test stack's nginx ({@code var/test/nginx/tls/cert.pem},
     * next to the pid files {@code chat.e2e.pids} names), else the JDK's default.
     */
    private static javax.net.ssl.SSLContext stackTls() {
        try {
            String pids = System.getProperty("chat.e2e.pids");
            java.nio.file.Path cert = pids == null ? null : java.nio.file.Path.of(pids).resolveSibling("nginx/tls/cert.pem");
            if (cert == null || !java.nio.file.Files.exists(cert)) {
                return javax.net.ssl.SSLContext.getDefault();
            }
            java.security.KeyStore trusted = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trusted.load(null, null);
            try (var in = java.nio.file.Files.newInputStream(cert)) {
                trusted.setCertificateEntry("nginx", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the test stack's TLS certificate", e);
        }
    }

    /** A send's result: the message. */
    static Message message(ServerFrame.Ack ack) {
        return EVENTS.result(ack, Message.class);
    }

    /** A react's result: the message's tally. */
    static Message.Reactions tally(ServerFrame.Ack ack) {
        return EVENTS.result(ack, Message.Reactions.class);
    }

    /**
     * A WebSocket that queues the frames it receives, read into the protocol's records, and
     * remembers how it was closed. A frame the protocol does not have fails the next wait for one.
     */
    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<ToClient> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        /** Frames the protocol's reader refused, with why. */
        final Queue<String> unreadable = new ConcurrentLinkedQueue<>();
        /** Every text frame as it came, for the few tests of the wire form itself. */
        final Queue<String> texts = new ConcurrentLinkedQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Socket open(String url, String authorization, String origin) {
            Socket s = new Socket();
            WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            s.ws = b.buildAsync(URI.create(url), s).join();
            return s;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                try {
                    frames.add(EVENTS.decode(partial.toString()));
                } catch (IllegalArgumentException e) {
                    unreadable.add(e.getMessage());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        /** The next frame of this type, skipping others; fails after the timeout, or at once when the socket closed. */
        <T extends ToClient> T next(Class<T> type, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!unreadable.isEmpty()) {
                    throw new AssertionError("the server wrote a frame the protocol does not have: " + unreadable);
                }
                long left = deadline - System.nanoTime();
                ToClient f = left <= 0 ? null : frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (f == null && closeCode.isDone() && frames.isEmpty()) {
                    throw new AssertionError("no " + type.getSimpleName() + " frame: the socket closed");
                }
                if (f == null && System.nanoTime() < deadline) {
                    continue;
                }
                if (f == null) {
                    throw new AssertionError("no " + type.getSimpleName() + " frame within " + timeout);
                }
                if (type.isInstance(f)) {
                    return type.cast(f);
                }
            }
        }

        /** The next frame of this type if one arrives within the time, else null. */
        <T extends ToClient> T poll(Class<T> type, Duration timeout) throws InterruptedException {
            try {
                return next(type, timeout);
            } catch (AssertionError e) {
                return null;
            }
        }

        /** A frame as a client writes it, from its record. */
        void send(ClientFrame frame) {
            send(FRAMES.encode(frame));
        }

        /** Any text at all: tests of bad input write what no record would. */
        void send(String text) {
            ws.sendText(text, true).join();
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    /**
     * The frames of one socket taken by what they are, in whatever order they arrive: frames not
     * asked for yet are kept (unlike {@link Socket#next}, which drops what it skips), so a test can
     * wait for an ack and an event of the same socket in either order.
     */
    static final class Inbox {
        final Socket socket;
        private final List<ToClient> kept = new ArrayList<>();

        Inbox(Socket socket) {
            this.socket = socket;
        }

        void send(ClientFrame frame) {
            socket.send(frame);
        }

        /** The first frame of this type that matches, kept or arriving within the timeout; fails otherwise. */
        <T extends ToClient> T take(Class<T> type, Predicate<? super T> match, Duration timeout) throws InterruptedException {
            T f = poll(type, match, timeout);
            if (f == null) {
                throw new AssertionError("no matching " + type.getSimpleName() + " frame within " + timeout + "; kept: " + kept);
            }
            return f;
        }

        <T extends ToClient> T take(Class<T> type, Duration timeout) throws InterruptedException {
            return take(type, f -> true, timeout);
        }

        /** The ack or error answering the frame with this id. */
        ServerFrame reply(String frameId, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ToClient f = find(x -> x instanceof ServerFrame.Ack a && a.id().equals(frameId)
                        || x instanceof ServerFrame.Error e && e.id().equals(frameId));
                if (f != null) {
                    return (ServerFrame) f;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !pull(left)) {
                    throw new AssertionError("no answer to frame '" + frameId + "' within " + timeout + "; kept: " + kept);
                }
            }
        }

        /** Like {@link #take} but null when nothing matching comes. */
        <T extends ToClient> T poll(Class<T> type, Predicate<? super T> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ToClient f = find(x -> type.isInstance(x) && match.test(type.cast(x)));
                if (f != null) {
                    return type.cast(f);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !pull(left)) {
                    return null;
                }
            }
        }

        /** Every frame of this type that arrives within {@code window} (and any kept), taken. */
        <T extends ToClient> List<T> drain(Class<T> type, Duration window) throws InterruptedException {
            long deadline = System.nanoTime() + window.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !pull(left)) {
                    break;
                }
            }
            List<T> out = new ArrayList<>();
            ToClient f;
            while ((f = find(type::isInstance)) != null) {
                out.add(type.cast(f));
            }
            return out;
        }

        private ToClient find(Predicate<ToClient> p) {
            for (Iterator<ToClient> it = kept.iterator(); it.hasNext(); ) {
                ToClient f = it.next();
                if (p.test(f)) {
                    it.remove();
                    return f;
                }
            }
            return null;
        }

        /** Moves one arriving frame into {@code kept}; false when none came in time. */
        private boolean pull(long nanos) throws InterruptedException {
            if (!socket.unreadable.isEmpty()) {
                throw new AssertionError("the server wrote a frame the protocol does not have: " + socket.unreadable);
            }
            ToClient f = socket.frames.poll(nanos, TimeUnit.NANOSECONDS);
            if (f == null) {
                return false;
            }
            kept.add(f);
            return true;
        }
    }
}
