package dev.chat.e2e;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search screen (issue 19): Ctrl+K from anywhere, results as you type grouped by conversation
 * with highlighted snippets, the keyboard walking and opening them; a result opens its chat at the
 * message, highlighted, with history around it, far from the newest end: scrolling up loads older
 * pages, scrolling down newer ones until the newest, and only then is the chat read; live messages
 * then append. Filters by button and by typing; a phone's width and dark mode; offline, what the
 * device holds, marked as such.
 */
@ExtendWith(Browsers.class)
class SearchScreenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 300;
    private static final int TARGET = 120;

    /** Ana has 300 messages with Bob (one says "zebra", far from the newest) and a group channel with another. */
    private record World(String bobName, String anaName, String direct, String channel, ChatPage ana) {}

    /** Every page a test opened: closed after it, so that the next test does not share the browser with their sockets. */
    private final List<Page> opened = new java.util.ArrayList<>();

    @AfterEach
    void closePages() {
        opened.forEach(p -> p.context().close());
    }

    private Page person(Browsers browsers, int width, int height) {
        Page page = browsers.newPerson(width, height);
        opened.add(page);
        return page;
    }

    private Page person(Browsers browsers) {
        return person(browsers, 1280, 800);
    }

    private World world(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bobFirst = ChatPage.signUp(person(browsers), bobName, "Bob");
        String anaName = Browsers.uniqueName("ana");
        ChatPage ana = ChatPage.signUp(person(browsers), anaName, "Ana");
        ana.startChat(bobName);
        String direct = ana.conversationId();
        for (int i = 1; i <= MESSAGES; i++) {
            send(ana, direct, "search-" + i, i == TARGET ? "Meet me at the zebra crossing at dawn" : "m" + i);
        }
        JsonNode group = post(ana, "/api/groups", Map.of("name", "Zoo keepers"));
        post(ana, "/api/groups/" + group.path("id").asText() + "/members", Map.of("username", bobName));
        String channel = group.path("channels").path(0).path("id").asText();
        send(ana, channel, "search-group-1", "A zebra escaped from the zoo https://example.com/zebra");
        // Bob's first device received it all (so his next device need not fetch it), then goes
        for (int i = 0; i < 100 && get(bobFirst, "/api/conversations/" + direct).path("deliveredSeq").asInt() < MESSAGES; i++) {
            bobFirst.page.waitForTimeout(100);
        }
        assertEquals(MESSAGES, get(bobFirst, "/api/conversations/" + direct).path("deliveredSeq").asInt(), "delivered to Bob's first device");
        bobFirst.page.context().close();
        opened.remove(bobFirst.page);
        return new World(bobName, anaName, direct, channel, ana);
    }

    private static void send(ChatPage who, String conversation, String clientMsgId, String text) {
        post(who, "/api/conversations/" + conversation + "/messages", Map.of("clientMsgId", clientMsgId, "text", text));
    }

    private static JsonNode post(ChatPage who, String path, Map<String, Object> body) {
        APIResponse res = who.page.request().post(Browsers.url() + path, RequestOptions.create().setData(body));
        assertTrue(res.ok(), path + ": " + res.status() + " " + res.text());
        return read(res);
    }

    private static JsonNode get(ChatPage who, String path) {
        APIResponse res = who.page.request().get(Browsers.url() + path);
        assertTrue(res.ok(), path + ": " + res.status() + " " + res.text());
        return read(res);
    }

    private static JsonNode read(APIResponse res) {
        try {
            return JSON.readTree(res.text());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + res.text(), e);
        }
    }

    private static Locator results(Page page) {
        return page.getByTestId("search-result");
    }

    @Test
    void aResultOpensItsChatAtTheMessageAndScrollingLoadsBothWaysUntilTheNewest(Browsers browsers) {
        World w = world(browsers);
        // Bob on a new device: it holds none of the history
        ChatPage bob = ChatPage.logIn(person(browsers), w.bobName());
        Page page = bob.page;
        assertThat(bob.conversation("Ana").getByTestId("unread")).hasText(String.valueOf(MESSAGES));

        page.keyboard().press("Control+K");
        assertThat(page.getByTestId("search")).isVisible();
        assertThat(page.getByTestId("search-input")).isFocused();
        page.keyboard().type("zebra");
        assertThat(results(page)).hasCount(2);
        // grouped by conversation: one group for the direct chat, one for the channel, each with its snippet
        Locator groups = page.locator("#search-results [role=group]");
        assertThat(groups).hasCount(2);
        assertThat(page.locator("#search-results [role=group]:has([data-conversation='" + w.direct() + "'])")).containsText("Ana");
        assertThat(page.locator("#search-results [role=group]:has([data-conversation='" + w.channel() + "'])")).containsText("#general");
        Locator hit = page.locator("[data-testid=search-result][data-conversation='" + w.direct() + "']");
        assertThat(hit).containsText("Meet me at the zebra crossing at dawn");
        assertThat(hit.locator("mark")).hasText("zebra");
        assertThat(hit).containsText("Ana");

        // the keyboard walks to it and opens it
        for (int i = 0; i < 6 && !"true".equals(hit.getAttribute("aria-selected")); i++) {
            page.keyboard().press("ArrowDown");
        }
        assertThat(hit).hasAttribute("aria-selected", "true");
        assertThat(page.getByTestId("search-input")).hasAttribute("aria-activedescendant", hit.getAttribute("id"));
        page.keyboard().press("Enter");
        assertThat(page.getByTestId("search")).isHidden();
        assertThat(page.locator("#peer-name")).hasText("Ana");

        // the message, highlighted and focused, with history above and below it; the newest end is not loaded
        Locator target = bob.messageAt(TARGET);
        assertThat(target).isVisible();
        assertThat(target).hasClass(Pattern.compile("\\bhighlight\\b"));
        assertThat(target).isFocused();
        assertThat(bob.messageAt(TARGET - 1)).isAttached();
        assertThat(bob.messageAt(TARGET + 1)).isAttached();
        assertThat(bob.messageAt(MESSAGES)).hasCount(0);
        assertContiguous(seqs(page));
        Browsers.screenshot(page, "search-jumped-1280-light");

        // reading an old message does not read the newer ones, nor one that arrives meanwhile (it is not shown here)
        w.ana().send("while Bob reads old messages");
        assertThat(bob.conversation("Ana").getByTestId("unread")).hasText(String.valueOf(MESSAGES + 1));
        page.waitForTimeout(1_000); // longer than a receipt window (300 ms)
        assertEquals(0, get(bob, "/api/conversations/" + w.direct()).path("readSeq").asInt(), "nothing read on the server");
        assertThat(bob.message("while Bob reads old messages")).hasCount(0);

        // scrolling up loads older pages
        int top = seqs(page).getFirst();
        scrollUntil(page, "box => box.scrollTop = 0", "top => Number(document.querySelector('#messages [data-seq]').dataset.seq) < top", top);
        assertTrue(seqs(page).getFirst() < top, "older messages came in");
        assertContiguous(seqs(page));

        // scrolling down loads newer pages until the newest, which then follows live messages
        for (int round = 0; round < 20 && bob.messageAt(MESSAGES + 1).count() == 0; round++) {
            int bottom = seqs(page).getLast();
            scrollUntil(page, "box => box.scrollTop = box.scrollHeight",
                    "bottom => { const all = document.querySelectorAll('#messages [data-seq]');"
                            + " return Number(all[all.length - 1].dataset.seq) > bottom; }", bottom);
            assertContiguous(seqs(page));
        }
        assertThat(bob.message("while Bob reads old messages")).isVisible();
        assertThat(bob.conversation("Ana").getByTestId("unread")).hasCount(0); // the newest end was reached: read
        w.ana().send("after the jump");
        assertThat(bob.message("after the jump")).isVisible();
        List<Integer> end = seqs(page);
        assertContiguous(end);
        assertEquals(MESSAGES + 2, end.getLast(), "the live messages follow the newest, each once");
    }

    @Test
    void theKeyboardFiltersAPhoneAndDarkMode(Browsers browsers) {
        World w = world(browsers);
        ChatPage bob = ChatPage.logIn(person(browsers), w.bobName());
        Page page = bob.page;
        bob.open("Ana");

        // the button in the chat's header opens it; Escape closes it and gives the focus back to that button
        Locator here = page.locator("#open-search-here");
        here.click();
        Locator input = page.getByTestId("search-input");
        assertThat(input).isFocused();
        // an answer that comes after a newer question's is dropped: "zeb" (nothing) is held back on the network
        page.evaluate("() => { const real = window.fetch; window.fetch = (url, init) => String(url).includes('q=zeb&')"
                + " ? new Promise((ok) => setTimeout(ok, 1500)).then(() => real(url, init)) : real(url, init); }");
        input.fill("zeb");
        page.waitForTimeout(500); // past the debounce: its question is on its way
        input.fill("zebra");
        assertThat(results(page)).hasCount(2);
        page.waitForTimeout(1_500); // "zeb"'s answer has come meanwhile
        assertThat(results(page)).hasCount(2);
        assertThat(page.locator("#search-status")).hasText("2 messages found.");
        page.keyboard().press("Escape");
        assertThat(page.getByTestId("search")).isHidden();
        assertThat(here).isFocused();

        // filters: "In this chat" types in:, has:link by typing; the results follow
        page.keyboard().press("Control+K");
        assertThat(input).hasValue("zebra");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("In this chat")).click();
        assertThat(input).hasValue("zebra in:" + w.anaName() + " ");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("In this chat"))).hasAttribute("aria-pressed", "true");
        assertThat(results(page)).hasCount(1);
        assertThat(results(page)).hasAttribute("data-conversation", w.direct());
        input.fill("zebra has:link");
        assertThat(results(page)).hasCount(1);
        assertThat(results(page)).hasAttribute("data-conversation", w.channel());
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Links"))).hasAttribute("aria-pressed", "true");
        input.fill("zebra from:" + w.bobName());
        assertThat(page.locator("#search-status")).hasText("No messages found.");
        // people, groups and channels by any part of their name
        input.fill("keepers");
        assertThat(page.getByTestId("search-chat").filter(new Locator.FilterOptions().setHasText("#general"))).isVisible();
        input.fill(w.anaName().substring(4, 10)); // a part from the middle of her username
        assertThat(page.getByTestId("search-chat").filter(new Locator.FilterOptions().setHasText("Ana"))).isVisible();

        // paging: a prefix matching 111 messages comes 20 at a time; "More results" (by the keyboard) brings the next, none twice
        input.fill("m1*");
        assertThat(results(page)).hasCount(20);
        page.keyboard().press("ArrowUp"); // from the field, up wraps to the last option: "More results"
        assertThat(page.getByTestId("search-more")).hasAttribute("aria-selected", "true");
        page.keyboard().press("Enter");
        assertThat(results(page)).hasCount(40);
        assertThat(results(page).nth(20)).hasAttribute("aria-selected", "true");
        @SuppressWarnings("unchecked")
        List<Object> found = (List<Object>) results(page).evaluateAll("rs => rs.map(r => r.dataset.seq)");
        assertEquals(40, new java.util.HashSet<>(found).size(), "no result twice: " + found);

        List<String> violations = new java.util.ArrayList<>();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            input.fill("zebra");
            assertThat(results(page)).hasCount(2);
            page.keyboard().press("ArrowDown");
            Browsers.screenshot(page, "search-overlay-1280-" + scheme.name().toLowerCase());
            violations.addAll(seriousViolations(page, scheme + " search"));
        }
        assertEquals(List.of(), violations, String.join("\n", violations));
        page.keyboard().press("Escape");

        // a phone: the search is the whole screen, and the jumped-to chat fits
        Page phone = person(browsers, 390, 844);
        ChatPage bobPhone = ChatPage.logIn(phone, w.bobName());
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            phone.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            phone.locator("#open-search").click();
            phone.getByTestId("search-input").fill("zebra");
            assertThat(results(phone)).hasCount(2);
            assertFits(phone);
            Browsers.screenshot(phone, "search-overlay-390-" + scheme.name().toLowerCase());
            phone.locator("[data-testid=search-result][data-conversation='" + w.direct() + "']").click();
            assertThat(bobPhone.messageAt(TARGET)).isVisible();
            assertThat(bobPhone.messageAt(TARGET)).hasClass(Pattern.compile("\\bhighlight\\b"));
            assertFits(phone);
            Browsers.screenshot(phone, "search-jumped-390-" + scheme.name().toLowerCase());
            phone.getByLabel("Back to chats").click();
        }
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        page.keyboard().press("Control+K");
        page.locator("[data-testid=search-result][data-conversation='" + w.direct() + "']").click();
        assertThat(bob.messageAt(TARGET)).isVisible();
        Browsers.screenshot(page, "search-jumped-1280-dark");
    }

    @Test
    void offlineTheDeviceIsSearchedAndSaysSo(Browsers browsers) {
        World w = world(browsers);
        ChatPage bob = ChatPage.logIn(person(browsers), w.bobName());
        Page page = bob.page;
        bob.open("Ana"); // the newest page is now on the device
        assertThat(bob.messageAt(MESSAGES)).isVisible();
        page.waitForTimeout(500); // the device's copy is written behind the screen (within 100 ms)

        page.context().setOffline(true);
        assertThat(page.locator("body[data-ws-state=open]")).hasCount(0);
        page.keyboard().press("Control+K");
        page.getByTestId("search-input").fill("m299 -m298");
        assertThat(results(page)).hasCount(1);
        assertThat(results(page)).hasAttribute("data-seq", String.valueOf(MESSAGES - 1));
        assertThat(results(page).locator("mark")).hasText("m299");
        assertThat(page.locator("#search-status")).containsText("on this device");
        assertThat(page.getByTestId("local-tag")).isVisible();
        // what the device never held is not found: "zebra" at seq 120 was never loaded here; the
        // channel's zebra is its last message, which the inbox shows
        page.getByTestId("search-input").fill("zebra");
        assertThat(results(page)).hasCount(1);
        assertThat(results(page)).hasAttribute("data-conversation", w.channel());
        Browsers.screenshot(page, "search-offline-1280-light");
        page.getByTestId("search-input").fill("m290");
        assertThat(results(page)).hasAttribute("data-seq", "290");
        results(page).click();
        assertThat(bob.messageAt(290)).hasClass(Pattern.compile("\\bhighlight\\b"));
        page.context().setOffline(false);
        bob.awaitConnected();
    }

    /** axe-core (WCAG 2.1 A and AA) on the page as it is: the serious and critical violations. */
    private static List<String> seriousViolations(Page page, String screen) {
        AxeResults results = new AxeBuilder(page).withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze();
        List<String> found = new java.util.ArrayList<>();
        for (Rule v : results.getViolations()) {
            if ("serious".equals(v.getImpact()) || "critical".equals(v.getImpact())) {
                found.add(screen + ": " + v.getId() + " " + v.getHelp() + " at "
                        + v.getNodes().stream().limit(3).map(n -> String.valueOf(n.getTarget())).toList());
            }
        }
        return found;
    }

    /** Scrolls the list and waits for the condition (on arg); older or newer pages come in between. */
    private static void scrollUntil(Page page, String scroll, String condition, int arg) {
        page.locator("#messages").evaluate(scroll);
        page.waitForFunction(condition, arg);
        page.waitForTimeout(100);
    }

    private static void assertContiguous(List<Integer> window) {
        for (int i = 1; i < window.size(); i++) {
            assertEquals(window.get(i - 1) + 1, window.get(i), "in order, none missing, none twice: " + window);
        }
    }

    private static void assertFits(Page page) {
        assertTrue(Boolean.TRUE.equals(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")),
                "the page is wider than the screen");
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> seqs(Page page) {
        List<Object> raw = (List<Object>) page.locator("#messages").evaluate(
                "box => [...box.querySelectorAll('[data-seq]')].map(n => Number(n.dataset.seq)).filter(n => n > 0)");
        return raw.stream().map(o -> ((Number) o).intValue()).toList();
    }
}
