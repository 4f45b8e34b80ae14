package dev.chat.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * What a mesh huddle costs each participant, with Chromium's fake camera (640×480) and microphone:
 * huddles of 3, 5 and 8 people in one channel, every browser in this machine's one headless
 * Chromium. Once everyone's media flows, for a window of {@link #WINDOW}: CPU (the browser's
 * processes, from /proc through {@link ProcessHandle}: their CPU time over the window, per
 * participant, in % of one core) and bandwidth per participant (its peer connections' stats: bytes
 * sent and received per second, in kbit/s). Not part of {@code ./chat test} (it asserts nothing
 * timed): run it with {@code ./chat test HuddleBenchmark}. Figures go to stdout and
 * {@code target/benchmark-huddle.txt}; docs/BENCHMARKS.md, "Huddles", has them.
 */
@ExtendWith(Browsers.class)
class HuddleBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("chat.bench.huddle.seconds", 10));

    /** Bytes this page's peer connections sent and received so far, and how many are connected. */
    private static final String BYTES = """
            async () => {
              const { mine } = await import('/js/features/huddles.js');
              let sent = 0, received = 0, connected = 0;
              if (!mine) return { sent, received, connected };
              for (const p of mine.peers.values()) {
                if (p.pc.connectionState === 'connected') connected++;
                (await p.pc.getStats()).forEach((r) => {
                  if (r.type === 'outbound-rtp') sent += r.bytesSent;
                  if (r.type === 'inbound-rtp') received += r.bytesReceived;
                });
              }
              return { sent, received, connected };
            }""";

    @Test
    void meshAt3And5And8(Browsers browsers) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "huddle mesh, fake media, %d s window, %d cores", WINDOW.toSeconds(),
                Runtime.getRuntime().availableProcessors()));
        lines.add("people  cpu%/participant  browser cpu%  send kbit/s  receive kbit/s  (per participant)");
        for (int n : new int[] {3, 5, 8}) {
            lines.add(measure(browsers, n));
            System.out.println(lines.getLast());
        }
        Path out = Path.of("target", "benchmark-huddle.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        lines.forEach(System.out::println);
    }

    private static String measure(Browsers browsers, int n) throws Exception {
        List<ChatPage> people = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Page page = browsers.newPerson(800, 600);
            page.context().setDefaultTimeout(90_000); // n browsers encoding n - 1 streams each: this machine's cores are the limit
            page.context().grantPermissions(List.of("camera", "microphone"),
                    new BrowserContext.GrantPermissionsOptions().setOrigin(Browsers.url()));
            people.add(ChatPage.signUp(page, Browsers.uniqueName("p" + i), "Person " + i));
        }
        Page owner = people.getFirst().page;
        var created = owner.request().post(Browsers.url() + "/api/groups",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"name\":\"Huddle " + n + "\"}"));
        String group = JSON.readTree(created.text()).get("id").asText();
        for (ChatPage p : people.subList(1, n)) {
            owner.request().post(Browsers.url() + "/api/groups/" + group + "/members", RequestOptions.create()
                    .setHeader("Content-Type", "application/json").setData("{\"username\":\"" + p.username + "\"}"));
        }
        for (ChatPage p : people) {
            assertThat(p.conversation("#general")).isVisible(new com.microsoft.playwright.assertions.LocatorAssertions
                    .IsVisibleOptions().setTimeout(60_000));
            p.open("#general");
        }
        people.getFirst().page.locator("#huddle-start").click();
        for (int i = 1; i < n; i++) {
            ChatPage p = people.get(i);
            assertThat(p.page.locator("#huddle-join")).isVisible(new com.microsoft.playwright.assertions.LocatorAssertions
                    .IsVisibleOptions().setTimeout(60_000));
            p.page.locator("#huddle-join").click();
            assertThat(p.page.locator("#huddle-people li")).hasCount(i + 1, new com.microsoft.playwright.assertions.LocatorAssertions
                    .HasCountOptions().setTimeout(90_000));
        }
        for (ChatPage p : people) {
            Browsers.waitForAsync(p.page, "async (n) => (await (" + BYTES + ")()).connected === n", n - 1, 120_000);
        }
        owner.waitForTimeout(3_000); // past the start: encoders at their settled rate
        long cpu0 = browserCpuNanos();
        long t0 = System.nanoTime();
        List<Map<?, ?>> before = people.stream().<Map<?, ?>>map(p -> (Map<?, ?>) p.page.evaluate(BYTES)).toList();
        owner.waitForTimeout(WINDOW.toMillis()); // the measuring window itself
        List<Map<?, ?>> after = people.stream().<Map<?, ?>>map(p -> (Map<?, ?>) p.page.evaluate(BYTES)).toList();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (browserCpuNanos() - cpu0) / 1e9 / seconds * 100;
        double sent = 0;
        double received = 0;
        for (int i = 0; i < n; i++) {
            sent += number(after.get(i), "sent") - number(before.get(i), "sent");
            received += number(after.get(i), "received") - number(before.get(i), "received");
        }
        String line = String.format(Locale.ROOT, "%6d  %17.1f  %12.1f  %11.0f  %14.0f", n, cpu / n, cpu,
                sent * 8 / 1000 / seconds / n, received * 8 / 1000 / seconds / n);
        for (ChatPage p : people) {
            p.page.locator("#huddle-leave").click();
        }
        assertThat(owner.locator("#huddle-bar")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions
                .IsHiddenOptions().setTimeout(60_000));
        for (ChatPage p : people) {
            p.page.context().close();
        }
        return line;
    }

    /** CPU time so far of every Chromium process this JVM started (through Playwright's driver), in nanoseconds. */
    private static long browserCpuNanos() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().command().map(c -> c.contains("chrom")).orElse(false))
                .mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    private static double number(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
