package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long chat renders only a window of messages: scrolling up pages older history in (from the
 * device, then the server) without the message in view moving, every message shows once and in
 * order, and the DOM stays small however far one scrolls.
 */
@ExtendWith(Browsers.class)
class HistoryIT {
    private static final int MESSAGES = 400;
    private static final int MOST_IN_DOM = 130; // the window (120) and a few pending or separators

    @Test
    void scrollingUpPagesHistoryInWithoutJumpsAndTheDomStaysSmall(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        String conversation = ana.page.locator("[data-testid=conversation-item][aria-current=true]").getAttribute("data-id");
        for (int i = 1; i <= MESSAGES; i++) {
            var res = ana.page.request().post(Browsers.url() + "/api/conversations/" + conversation + "/messages",
                    RequestOptions.create().setData(Map.of("clientMsgId", "history-" + i, "text", "m" + i)));
            assertTrue(res.ok(), "send " + i + ": " + res.status() + " " + res.text());
        }

        // Bob on a new device: the history comes from the server as he scrolls up
        ChatPage bobAgain = ChatPage.logIn(browsers.newPerson(), bobName);
        scrollToTheOldest(bobAgain);
        Browsers.screenshot(bobAgain.page, "history-top");

        // and back down: the newest end is followed again, new messages appear at the bottom
        bobAgain.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Newer messages ↓")).click();
        assertThat(bobAgain.message("m" + MESSAGES)).isVisible();
        ana.send("after the history");
        assertThat(bobAgain.message("after the history")).isVisible();
        assertTrue(bobAgain.page.getByTestId("message").count() <= MOST_IN_DOM);

        // after a reload the same walk is served by the device's copy
        bobAgain.page.reload();
        bobAgain.awaitConnected();
        bobAgain.open("Ana");
        assertThat(bobAgain.message("after the history")).isVisible();
        scrollToTheOldest(bobAgain);
    }

    private static void scrollToTheOldest(ChatPage bob) {
        bob.open("Ana");
        assertThat(bob.message("m" + MESSAGES)).isVisible();
        Locator messages = bob.page.getByTestId("message");
        assertTrue(messages.count() <= MOST_IN_DOM, "only a window is rendered: " + messages.count());
        // scroll to the top again and again: the window moves up a page at a time
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int round = 0; round < 40 && bob.page.locator("#messages [data-seq=\"1\"]").count() == 0; round++) {
            int top = seqs(bob.page).getFirst();
            bob.page.locator("#messages").evaluate("box => box.scrollTop = 0");
            bob.page.waitForFunction("top => Number(document.querySelector('#messages [data-seq]').dataset.seq) < top", top);
            bob.page.waitForTimeout(100);
            int inDom = messages.count();
            assertTrue(inDom <= MOST_IN_DOM, "the DOM stays small while paging: " + inDom);
            seen.addAll(seqs(bob.page));
            assertTrue(onScreen(bob.page, top), "m" + top + ", at the top when older ones came in, is still on screen: no jump");
        }
        assertThat(bob.page.locator("#messages [data-seq=\"1\"]")).isVisible();
        List<Integer> window = seqs(bob.page);
        assertEquals(1, window.getFirst(), "the oldest message is reached");
        for (int i = 1; i < window.size(); i++) {
            assertEquals(window.get(i - 1) + 1, window.get(i), "in order, none missing, none twice: " + window);
        }
        for (int seq = 1; seq <= MESSAGES; seq++) {
            assertTrue(seen.contains(seq) || seq > MESSAGES - MOST_IN_DOM, "m" + seq + " was shown on the way up");
        }
    }

    private static boolean onScreen(Page page, int seq) {
        return (Boolean) page.locator("#messages").evaluate("""
                (box, seq) => { const n = box.querySelector(`[data-seq="${seq}"]`);
                                if (!n) return false;
                                const b = box.getBoundingClientRect(), r = n.getBoundingClientRect();
                                return r.bottom > b.top && r.top < b.bottom; }""", seq);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> seqs(Page page) {
        List<Object> raw = (List<Object>) page.locator("#messages").evaluate(
                "box => [...box.querySelectorAll('[data-seq]')].map(n => Number(n.dataset.seq))");
        return raw.stream().map(o -> ((Number) o).intValue()).toList();
    }
}
