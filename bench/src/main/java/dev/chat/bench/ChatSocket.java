package dev.chat.bench;

import dev.chat.protocol.ServerFrame;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One client connection to {@code /ws} through nginx TLS, as the web client makes it (bearer
 * token, browser Origin). Frames go to a {@link Sink} on the client's I/O thread, so the sink must
 * be quick; sends are serialised (the JDK allows one outstanding send per socket).
 */
final class ChatSocket implements WebSocket.Listener {
    /** Receives every text frame with the instant it was complete. */
    interface Sink {
        void frame(ChatSocket socket, CharSequence text, long receivedNanos);
    }

    final int index;
    final Population.User user;
    final CompletableFuture<ChatSocket> welcomed = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Sink sink;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket ws;

    private ChatSocket(int index, Population.User user, Sink sink) {
        this.index = index;
        this.user = user;
        this.sink = sink;
    }

    /** Connects; the future completes once the node's welcome frame arrived. */
    static CompletableFuture<ChatSocket> open(HttpClient http, String url, String origin, int index, Population.User user,
                                             Sink sink) {
        ChatSocket s = new ChatSocket(index, user, sink);
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + user.token())
                .header("Origin", origin)
                .buildAsync(URI.create(url), s)
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        s.welcomed.completeExceptionally(failure);
                    }
                });
        return s.welcomed;
    }

    /** Sends one text frame and waits until the JDK has written it. */
    void send(String json) {
        synchronized (this) {
            ws.sendText(json, true).join();
        }
    }

    void close() {
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        CharSequence whole = data;
        if (!last || !partial.isEmpty()) {
            partial.append(data);
            if (!last) {
                return null;
            }
            whole = partial.toString();
            partial.setLength(0);
        }
        if (!welcomed.isDone()) {
            try {
                if (Frames.SERVER.decode(whole.toString()) instanceof ServerFrame.Welcome) {
                    welcomed.complete(this);
                }
            } catch (IllegalArgumentException e) {
                welcomed.completeExceptionally(e);
            }
            return null;
        }
        sink.frame(this, whole, now);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        welcomed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason + " before the welcome"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(1006);
        welcomed.completeExceptionally(error);
    }
}
