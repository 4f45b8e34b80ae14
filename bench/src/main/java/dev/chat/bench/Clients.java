package dev.chat.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Opens many client sockets, spread round robin over the local source addresses (so that no
 * address runs out of ephemeral ports), a bounded number of TLS handshakes at a time.
 */
final class Clients implements AutoCloseable {
    private final Target target;
    private final String url;
    private final List<HttpClient> byAddress = new ArrayList<>();
    final List<ChatSocket> sockets = new ArrayList<>();

    /** Clients of the chat's {@code /ws}. */
    Clients(Target target) {
        this(target, target.wsUrl());
    }

    /** Clients of another WebSocket behind the same nginx (the echo baseline). */
    Clients(Target target, String url) {
        this.target = target;
        this.url = url;
        var ssl = Tls.trusting(target.certificate());
        for (String address : target.sourceAddresses()) {
            try {
                byAddress.add(HttpClient.newBuilder().sslContext(ssl).localAddress(InetAddress.getByName(address))
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .connectTimeout(Duration.ofSeconds(30)).build());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad source address " + address, e);
            }
        }
    }

    /**
     * Opens one socket per user (in order; socket i is user i's) and waits for every welcome.
     * Returns how many failed; failed ones are left out of {@link #sockets}.
     */
    int open(List<Population.User> users, ChatSocket.Sink sink, int handshakesAtOnce) throws InterruptedException {
        Semaphore inFlight = new Semaphore(handshakesAtOnce);
        List<CompletableFuture<ChatSocket>> opening = new ArrayList<>(users.size());
        int base = sockets.size();
        for (int i = 0; i < users.size(); i++) {
            inFlight.acquire();
            HttpClient http = byAddress.get((base + i) % byAddress.size());
            CompletableFuture<ChatSocket> f = ChatSocket.open(http, url, target.origin(), base + i, users.get(i), sink);
            f.whenComplete((s, e) -> inFlight.release());
            opening.add(f);
        }
        int failed = 0;
        for (CompletableFuture<ChatSocket> f : opening) {
            try {
                sockets.add(f.join());
            } catch (RuntimeException e) {
                if (failed++ == 0) {
                    System.err.println("a socket failed to open: " + e.getMessage());
                }
                sockets.add(null);
            }
        }
        return failed;
    }

    @Override
    public void close() {
        for (ChatSocket s : sockets) {
            if (s != null) {
                s.close();
            }
        }
        byAddress.forEach(HttpClient::close);
    }
}
