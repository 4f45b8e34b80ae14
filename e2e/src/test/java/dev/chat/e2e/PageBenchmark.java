package dev.chat.e2e;

import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * How fast the page is for a heavy account: 200 conversations, one of them 10,000 messages long.
 * Prints the time to the first render of the inbox from the device's copy (a reload), the time
 * from a click to a usable conversation, the page's memory and DOM size, and the cost of paging
 * up through history. Not part of {@code ./chat test} (it asserts nothing timed); run it with
 * {@code ./chat bench page}. Figures go to stdout and {@code target/benchmark-page.txt}.
 */
@ExtendWith(Browsers.class)
class PageBenchmark {
    private static final int CONVERSATIONS = 200;
    private static final int LONG_CHAT = 10_000;
    private static final int RUNS = 5;
    private static final String PASSWORD = "correct horse battery";

    /** Records when the page has painted after the app's marks (a frame, then a task). */
    private static final String PAINT_PROBE = """
            window.__painted = {};
            new PerformanceObserver((list) => list.getEntries().forEach((e) => {
              if (e.name.startsWith('chat:')) requestAnimationFrame(() => setTimeout(() => { window.__painted[e.name] = performance.now(); }));
            })).observe({ type: 'mark' });
            """;

    @Test
    void heavyAccount(Browsers browsers) throws Exception {
        String me = Browsers.uniqueName("heavy");
        long seedStart = System.nanoTime();
        Client owner = Client.signUp(me);
        String longChat = seed(owner, me);
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

        Page page = browsers.newPerson();
        page.addInitScript(PAINT_PROBE);
        ChatPage chat = ChatPage.logIn(page, me);
        assertThat(chat.conversation("peer0")).isVisible();
        // the first visit fills the device's copy: the inbox and the newest page of the long chat
        openLongChat(page, longChat);
        page.waitForTimeout(1000);

        List<Double> inbox = new ArrayList<>();
        List<Double> conversation = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            page.reload();
            page.waitForFunction("() => window.__painted['chat:inbox'] !== undefined");
            inbox.add(((Number) page.evaluate("() => window.__painted['chat:inbox']")).doubleValue());
            chat.awaitConnected();
            conversation.add(openLongChat(page, longChat));
        }
        int inboxRows = page.getByTestId("conversation-item").count();
        Metrics open = Metrics.of(page);

        // page up through 2,000 messages of history
        List<Double> pageUps = new ArrayList<>();
        int top = topSeq(page);
        while (top > LONG_CHAT - 2_000) {
            double ms = ((Number) page.evaluate("""
                    async (top) => {
                      const box = document.getElementById('messages');
                      const t0 = performance.now();
                      box.scrollTop = 0;
                      for (;;) {
                        await new Promise((r) => requestAnimationFrame(r));
                        const first = box.querySelector('[data-seq]');
                        if (first && Number(first.dataset.seq) < top) return performance.now() - t0;
                        if (performance.now() - t0 > 10000) return -1;
                      }
                    }""", top)).doubleValue();
            if (ms < 0) {
                throw new AssertionError("paging up stopped at seq " + top);
            }
            pageUps.add(ms);
            top = topSeq(page);
        }
        Metrics paged = Metrics.of(page);

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Page benchmark: %d conversations, one of %,d messages (seeded in %.0f s), %d runs%n",
                CONVERSATIONS, LONG_CHAT, seedSeconds, RUNS));
        out.append(String.format(Locale.ROOT, "  inbox rows rendered from the device copy    %d%n", inboxRows));
        out.append(row("first render of the inbox, from cache (reload)", inbox));
        out.append(row("click to a usable 10,000-message conversation", conversation));
        out.append(row("one page up (50 older messages in view)", pageUps));
        out.append(String.format(Locale.ROOT, "  page with the long chat open: JS heap %.1f MiB, %d DOM nodes, %d messages in the DOM%n",
                open.heapMiB, open.nodes, open.messages));
        out.append(String.format(Locale.ROOT, "  after paging up 2,000 messages: JS heap %.1f MiB, %d DOM nodes, %d messages in the DOM%n",
                paged.heapMiB, paged.nodes, paged.messages));
        System.out.print(out);
        Files.writeString(Path.of("target", "benchmark-page.txt"), out.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Browsers.screenshot(page, "benchmark-long-chat");
    }

    /** 200 peers, each with a chat (and one message) with me; peer0's chat gets 10,000 messages. */
    private static String seed(Client owner, String me) throws Exception {
        String run = me.substring(me.indexOf('_') + 1);
        String longChat = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> chats = new ArrayList<>();
            for (int i = 0; i < CONVERSATIONS; i++) {
                int n = i;
                chats.add(pool.submit(() -> {
                    Client peer = Client.signUp("peer" + n + "_" + run, "peer" + n);
                    String id = peer.openChatWith(me);
                    peer.send(id, "p" + n + "-hello", "Hello from peer " + n);
                    return id;
                }));
            }
            longChat = chats.getFirst().get();
            for (Future<String> f : chats) {
                f.get();
            }
            // the long chat: me writing, in order; every tenth message from the peer
            Client peer0 = Client.logIn("peer0_" + run);
            AtomicInteger next = new AtomicInteger(1);
            String chat = longChat;
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                writers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < LONG_CHAT; i = next.getAndIncrement()) {
                        (i % 10 == 0 ? peer0 : owner).send(chat, String.format("long-%06d", i), "Message number " + i + " of a long chat");
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            owner.send(longChat, "long-last", "The newest message");
        }
        return longChat;
    }

    /** Clicks the long chat in the inbox; milliseconds until it is painted and usable. */
    private static double openLongChat(Page page, String id) {
        double ms = ((Number) page.evaluate("""
                async (id) => {
                  const t0 = performance.now();
                  document.querySelector(`[data-testid=conversation-item][data-id="${id}"]`).click();
                  for (;;) {
                    await new Promise((r) => requestAnimationFrame(r));
                    const painted = window.__painted['chat:conversation'];
                    if (painted !== undefined && painted >= t0) { delete window.__painted['chat:conversation']; return painted - t0; }
                  }
                }""", id)).doubleValue();
        assertThat(page.getByTestId("message").filter(new com.microsoft.playwright.Locator.FilterOptions()
                .setHasText("The newest message"))).isVisible();
        return ms;
    }

    private static int topSeq(Page page) {
        return ((Number) page.evaluate("() => Number(document.querySelector('#messages [data-seq]').dataset.seq)")).intValue();
    }

    private static String row(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "  %-46s median %6.0f ms   worst %6.0f ms   (n=%d)%n",
                what, sorted.get(sorted.size() / 2), sorted.getLast(), sorted.size());
    }

    private record Metrics(double heapMiB, long nodes, long messages) {
        static Metrics of(Page page) {
            page.evaluate("() => { if (window.gc) window.gc(); }");
            CDPSession cdp = page.context().newCDPSession(page);
            cdp.send("Performance.enable");
            JsonObject result = cdp.send("Performance.getMetrics");
            double heap = 0;
            long nodes = 0;
            for (JsonElement e : result.getAsJsonArray("metrics")) {
                JsonObject m = e.getAsJsonObject();
                switch (m.get("name").getAsString()) {
                    case "JSHeapUsedSize" -> heap = m.get("value").getAsDouble() / (1024 * 1024);
                    case "Nodes" -> nodes = m.get("value").getAsLong();
                    default -> { }
                }
            }
            cdp.detach();
            long messages = page.getByTestId("message").count();
            return new Metrics(heap, nodes, messages);
        }
    }

    /** A signed-in account over plain HTTP (cookies), for seeding fast from many threads. */
    private record Client(HttpClient http) {
        private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

        static Client signUp(String username) throws Exception {
            return signUp(username, username);
        }

        static Client signUp(String username, String displayName) throws Exception {
            Client c = new Client(newHttp());
            c.post("/api/auth/signup", "{\"username\":\"%s\",\"password\":\"%s\",\"displayName\":\"%s\"}"
                    .formatted(username, PASSWORD, displayName));
            return c;
        }

        static Client logIn(String username) throws Exception {
            Client c = new Client(newHttp());
            c.post("/api/auth/login", "{\"username\":\"%s\",\"password\":\"%s\"}".formatted(username, PASSWORD));
            return c;
        }

        String openChatWith(String username) throws Exception {
            Matcher m = ID.matcher(post("/api/conversations", "{\"kind\":\"direct\",\"username\":\"%s\"}".formatted(username)));
            if (!m.find()) {
                throw new IllegalStateException("no conversation id");
            }
            return m.group(1);
        }

        void send(String conversation, String clientMsgId, String text) throws Exception {
            post("/api/conversations/" + conversation + "/messages",
                    "{\"clientMsgId\":\"%s\",\"text\":\"%s\"}".formatted(clientMsgId, text));
        }

        private String post(String path, String json) throws Exception {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(Browsers.url() + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() >= 300) {
                throw new IllegalStateException(path + ": " + res.statusCode() + " " + res.body());
            }
            return res.body();
        }

        private static HttpClient newHttp() throws Exception {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new X509TrustManager() { // the bench stack's self-signed certificate
                public void checkClientTrusted(X509Certificate[] chain, String auth) { }
                public void checkServerTrusted(X509Certificate[] chain, String auth) { }
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            return HttpClient.newBuilder().sslContext(tls).cookieHandler(new CookieManager()).build();
        }
    }
}
