package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Offline-first: messages typed without a network show at once with a clock, survive a reload
 * while still offline (the app shell and the chats come from the device), and are sent by
 * themselves when the network is back — each exactly once, in the order typed.
 */
@ExtendWith(Browsers.class)
class OfflineIT {

    @Test
    void composeOfflineReloadOfflineComeBackAllSentOnceInOrder(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("online first");
        assertThat(ana.message("online first")).hasAttribute("data-status", java.util.regex.Pattern.compile("sent|delivered|read"));
        // the service worker has the app shell once it controls the page
        ana.page.waitForFunction("() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true)");
        ana.page.reload();
        ana.awaitConnected();
        ana.page.waitForFunction("() => navigator.serviceWorker.controller !== null");
        ana.page.context().setOffline(true);
        assertThat(ana.page.locator("#connection")).containsText("Offline");
        assertThat(ana.page.locator("#peer-status")).not().hasText("online"); // no stale presence while offline
        ana.open("Bob");
        for (String text : List.of("one", "two", "three")) {
            ana.send("offline " + text);
        }
        assertThat(ana.message("offline three")).hasAttribute("data-status", "sending");
        Browsers.screenshot(ana.page, "offline-ana");

        // reload while still offline: the shell, the chat and the three queued messages are all there
        ana.page.reload();
        assertThat(ana.conversation("Bob")).isVisible();
        ana.open("Bob");
        assertThat(ana.message("offline one")).hasAttribute("data-status", "sending");
        assertThat(ana.message("offline three")).hasAttribute("data-status", "sending");

        // back online: all three go by themselves, once each, in the order typed
        ana.page.context().setOffline(false);
        assertThat(ana.message("offline three")).hasAttribute("data-status", java.util.regex.Pattern.compile("sent|delivered|read"));
        bob.open("Ana");
        assertThat(bob.message("offline three")).isVisible();
        List<String> seen = bob.page.getByTestId("message").allTextContents();
        List<String> offline = seen.stream().filter(t -> t.startsWith("offline")).map(t -> t.replaceAll("\\d\\d:\\d\\d.*$", "")).toList();
        assertEquals(List.of("offline one", "offline two", "offline three"), offline, "once each, in order");
        // a draft survives a reload too
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).fill("half a thought");
        ana.page.reload();
        ana.awaitConnected();
        ana.open("Bob");
        assertThat(ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true))).hasValue("half a thought");
        Locator seqs = bob.page.getByTestId("message");
        assertEquals(4, seqs.count());
        bob.page.reload();
        bob.awaitConnected();
        bob.open("Ana");
        assertEquals(4, bob.page.getByTestId("message").count(), "and the server holds exactly four");
    }
}
