package dev.chat.e2e;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The UI's own figure: a message sent in one browser until it is shown in another. Two browser
 * contexts (ana and bob, each logged in, ideally on different ws-nodes), bob's page open on their
 * direct chat; ana types a message and presses Enter. The time runs from ana's keydown of Enter
 * (a capturing listener on her window, before the app's handler) until a MutationObserver in bob's
 * page sees a message bubble with that text added to his DOM. Both stamps are
 * {@code performance.timeOrigin + performance.now()}: the same machine clock, sub-millisecond.
 * {@code chat.bench.latency.messages} messages (default 50) about 300 ms apart, after 5 warm-up
 * messages; not a load test. Not part of {@code ./chat test}; run it with {@code ./chat bench page}
 * (after the heavy-account figures) or alone with {@code ./chat bench page-latency}. Figures go to
 * stdout and are appended to {@code target/benchmark-page.txt}.
 */
@ExtendWith(Browsers.class)
class PageLatencyBenchmark {
    private static final int WARM_UP = 5;
    private static final long PACE_MS = 300;

    /** ana's page: when Enter goes down in the composer, before the app handles it. */
    private static final String KEY_PROBE = """
            window.__enterAt = [];
            window.addEventListener('keydown', (e) => {
              if (e.key === 'Enter') window.__enterAt.push(performance.timeOrigin + performance.now());
            }, true);
            """;

    /**
     * Both pages: when a frame holding a probe's tag leaves on (ana) or arrives from (bob) the
     * socket, so the total splits into ana's page, the servers and the wire, and bob's page.
     */
    private static final String WIRE_PROBE = """
            window.__wireOut = {};
            window.__wireIn = {};
            const tagOf = (data) => { const m = typeof data === 'string' && /\\[probe (\\d+)\\]/.exec(data); return m ? m[1] : null; };
            const stamp = (map, data) => { const t = tagOf(data); if (t !== null && map[t] === undefined) map[t] = performance.timeOrigin + performance.now(); };
            const Native = window.WebSocket;
            window.WebSocket = class extends Native {
              constructor(...args) { super(...args); this.addEventListener('message', (e) => stamp(window.__wireIn, e.data)); }
              send(data) { stamp(window.__wireOut, data); super.send(data); }
            };
            """;

    /** bob's page: when a bubble whose text holds a probe's tag is first added to the DOM. */
    private static final String SHOWN_PROBE = """
            window.__shownAt = {};
            new MutationObserver((records) => {
              const now = performance.timeOrigin + performance.now();
              const seen = (bubble) => {
                const m = /\\[probe (\\d+)\\]/.exec(bubble.textContent);
                if (m && window.__shownAt[m[1]] === undefined) window.__shownAt[m[1]] = now;
              };
              for (const r of records) {
                for (const n of r.addedNodes) {
                  const e = n.nodeType === 1 ? n : n.parentElement;
                  if (!e) continue;
                  const own = e.closest('[data-testid=message]');
                  if (own) seen(own);
                  if (n.nodeType === 1) n.querySelectorAll('[data-testid=message]').forEach(seen);
                }
              }
            }).observe(document, { childList: true, subtree: true });
            """;

    @Test
    void sendToShown(Browsers browsers) throws Exception {
        int count = Integer.getInteger("chat.bench.latency.messages", 50);
        String ana = Browsers.uniqueName("ana");
        String bob = Browsers.uniqueName("bob");

        Page bobPage = browsers.newPerson();
        ChatPage.signUp(bobPage, bob, "Bob");
        Page anaPage = browsers.newPerson();
        ChatPage anaChat = ChatPage.signUp(anaPage, ana, "Ana");
        anaChat.startChat(bob);
        anaChat.send("Hello Bob");
        anaPage.addInitScript(KEY_PROBE);
        anaPage.addInitScript(WIRE_PROBE);
        anaPage.reload();
        anaChat.awaitConnected();

        // bob logs in afresh with the probe; nginx round-robins sockets: reload until his socket is
        // on the other ws-node (a few tries)
        bobPage.addInitScript(SHOWN_PROBE);
        bobPage.addInitScript(WIRE_PROBE);
        ChatPage bobChat = ChatPage.wrap(bobPage, bob);
        bobPage.reload();
        bobChat.awaitConnected();
        for (int i = 0; i < 6 && bobChat.wsNode() != null && bobChat.wsNode().equals(anaChat.wsNode()); i++) {
            bobPage.reload();
            bobChat.awaitConnected();
        }
        String nodes = anaChat.wsNode() + " → " + bobChat.wsNode();
        bobChat.open("Ana");
        assertThat(bobChat.message("Hello Bob")).isVisible();
        anaChat.open("Bob");

        List<Double> ms = new ArrayList<>();
        List<Double> inAna = new ArrayList<>();
        List<Double> between = new ArrayList<>();
        List<Double> inBob = new ArrayList<>();
        List<Double> acked = new ArrayList<>();
        long next = System.nanoTime();
        for (int i = 0; i < WARM_UP + count; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            next = System.nanoTime() + PACE_MS * 1_000_000;
            String tag = String.valueOf(i);
            anaPage.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).fill("Latency [probe " + tag + "] from Ana");
            int before = ((Number) anaPage.evaluate("() => window.__enterAt.length")).intValue();
            anaPage.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).press("Enter");
            bobPage.waitForFunction("(tag) => window.__shownAt[tag] !== undefined", tag,
                    new Page.WaitForFunctionOptions().setTimeout(10_000));
            double sent = ((Number) anaPage.evaluate("(i) => window.__enterAt[i]", before)).doubleValue();
            double shown = ((Number) bobPage.evaluate("(tag) => window.__shownAt[tag]", tag)).doubleValue();
            double wireOut = ((Number) anaPage.evaluate("(tag) => window.__wireOut[tag] ?? NaN", tag)).doubleValue();
            double wireIn = ((Number) bobPage.evaluate("(tag) => window.__wireIn[tag] ?? NaN", tag)).doubleValue();
            anaPage.waitForFunction("(tag) => window.__wireIn[tag] !== undefined", tag);
            double ack = ((Number) anaPage.evaluate("(tag) => window.__wireIn[tag]", tag)).doubleValue();
            if (i >= WARM_UP) {
                ms.add(shown - sent);
                inAna.add(wireOut - sent);
                between.add(wireIn - wireOut);
                inBob.add(shown - wireIn);
                acked.add(ack - wireOut);
            }
        }

        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        String out = String.format(Locale.ROOT,
                "Send in one browser → shown in the other (Enter keydown → bubble in the peer's DOM), ws-nodes %s,%n"
                        + "  %d messages ~%d ms apart after %d warm-up:  median %.1f ms   p90 %.1f ms   p99 %.1f ms   max %.1f ms%n",
                nodes, sorted.size(), PACE_MS, WARM_UP,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted.getLast());
        out += String.format(Locale.ROOT,
                "  of which (medians): ana's page, keydown → frame on her socket %.1f ms; servers and wire, her socket → bob's %.1f ms;"
                        + " bob's page, frame → bubble in the DOM %.1f ms (page %s);%n"
                        + "  ana's own round trip, her frame out → its answer in (one clock) %.1f ms%n",
                median(inAna), median(between), median(inBob),
                bobPage.evaluate("() => document.visibilityState"), median(acked));
        System.out.print(out);
        Files.writeString(Path.of("target", "benchmark-page.txt"), out, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return percentile(sorted, 50);
    }

    /** Nearest-rank percentile of a sorted list. */
    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
