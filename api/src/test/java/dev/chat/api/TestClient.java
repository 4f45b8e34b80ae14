package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bearer-token API client and WebSocket client for integration tests, as a bot would use them. */
final class TestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, String contentType, JsonNode body, String raw) {
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(10));
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

    /** Opens a WebSocket to a node with this client's token and collects what arrives. */
    Socket connect(String wsUrl) {
        return Socket.open(wsUrl, "Bearer " + token, ChatServers.ORIGIN);
    }

    /** A WebSocket that queues received text frames and remembers how it was closed. */
    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
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
                frames.add(parse(partial.toString()));
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
        JsonNode next(String type, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (f == null && closeCode.isDone() && frames.isEmpty()) {
                    throw new AssertionError("no '" + type + "' frame: the socket closed");
                }
                if (f == null && System.nanoTime() < deadline) {
                    continue;
                }
                if (f == null) {
                    throw new AssertionError("no '" + type + "' frame within " + timeout);
                }
                if (type.equals(f.path("type").asText())) {
                    return f;
                }
            }
        }

        /** The next frame of this type if one arrives within the time, else null. */
        JsonNode poll(String type, Duration timeout) throws InterruptedException {
            try {
                return next(type, timeout);
            } catch (AssertionError e) {
                return null;
            }
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
