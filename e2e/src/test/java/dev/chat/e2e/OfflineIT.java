package dev.chat.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offline-first: messages typed without a network show at once with a clock, survive a reload
 * while still offline (the app shell and the chats come from the device), and are sent by
 * themselves when the network is back — each exactly once, in the order typed. A proxy's error
 * page (502) is not taken for the server's refusal: the message stays queued and goes once later.
 * A tab of an older version holding the device copy open does not stop a newer one.
 */
@ExtendWith(Browsers.class)
class OfflineIT {
    private static final Pattern SENT = Pattern.compile("sent|delivered|read");

    @Test
    void composeOfflineReloadOfflineComeBackAllSentOnceInOrder(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("online first");
        assertThat(ana.message("online first")).hasAttribute("data-status", java.util.regex.Pattern.compile("sent|delivered|read"));
        // the service worker has the app shell once it controls the page
        ana.reloadUnderServiceWorker();
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

    @Test
    void aMessageThatMeetsAProxyErrorStaysQueuedAcrossAReloadAndGoesOnceWhenTheWayIsClear(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("over the socket");
        assertThat(ana.message("over the socket")).hasAttribute("data-status", SENT);

        // the ws-nodes out of reach (the upgrade is taken but no welcome ever comes) and the proxy
        // answering the REST send with its own 502 page, as nginx does while api restarts
        AtomicBoolean cutOff = new AtomicBoolean(true);
        ana.page.routeWebSocket(Pattern.compile(".*/ws.*"), ws -> {
            if (!cutOff.get()) {
                ws.connectToServer();
            }
        });
        AtomicInteger badGateways = new AtomicInteger();
        ana.page.route("**/api/conversations/*/messages", route -> {
            if (cutOff.get() && route.request().method().equals("POST")) {
                badGateways.incrementAndGet();
                route.fulfill(new Route.FulfillOptions().setStatus(502).setContentType("text/html")
                        .setBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
            } else {
                route.resume();
            }
        });
        ana.page.reload(); // at once: the inbox the device keeps is written as the page goes
        assertThat(ana.conversation("Bob")).containsText("You: over the socket");
        ana.open("Bob");
        ana.send("through a bad gateway");
        assertThat(ana.message("through a bad gateway")).hasAttribute("data-status", "failed");
        assertThat(ana.message("through a bad gateway").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Retry"))).isVisible();
        assertTrue(badGateways.get() >= 1, "the send went over REST and met the 502");
        Browsers.screenshot(ana.page, "offline-bad-gateway-ana");

        // a proxy's error is not the server's refusal: the message is still on the device after a reload
        ana.page.reload();
        assertThat(ana.conversation("Bob")).isVisible();
        ana.open("Bob");
        assertThat(ana.message("through a bad gateway")).hasAttribute("data-status", Pattern.compile("sending|failed"));

        // the way is clear again: it goes by itself after the welcome, once
        cutOff.set(false);
        ana.page.reload();
        ana.awaitConnected();
        ana.open("Bob");
        assertThat(ana.message("through a bad gateway")).hasAttribute("data-status", SENT);
        bob.open("Ana");
        assertThat(bob.message("through a bad gateway")).hasCount(1);
        bob.page.reload();
        bob.awaitConnected();
        bob.open("Ana");
        assertThat(bob.message("over the socket")).hasCount(1);
        assertThat(bob.message("through a bad gateway")).hasCount(1);
        assertEquals(2, bob.page.getByTestId("message").count(), "the server holds it exactly once");
    }

    @Test
    void aTabOfAnOlderVersionHoldingTheDeviceCopyDoesNotStopTheAppAndTheUpgradeFollowsWhenItGoes(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage first = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        first.startChat(bobName);
        first.send("before the upgrade");
        assertThat(first.message("before the upgrade")).hasAttribute("data-status", SENT);
        String database = (String) first.page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name).find((n) => n.startsWith('chat-'))");
        BrowserContext device = first.page.context();
        first.page.close();

        // a tab still running the first version of the app: its device copy at version 1, held
        // open, and it does not give way to an upgrade
        Page old = device.newPage();
        old.navigate(Browsers.url() + "/favicon.svg");
        old.evaluate("""
                async (name) => {
                  await new Promise((done, fail) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = done; r.onerror = fail; });
                  window.oldCopy = await new Promise((done, fail) => {
                    const r = indexedDB.open(name, 1);
                    r.onupgradeneeded = () => {
                      r.result.createObjectStore('conversations', { keyPath: 'id' });
                      r.result.createObjectStore('messages', { keyPath: ['conversation', 'seq'] });
                      r.result.createObjectStore('outbox', { keyPath: 'clientMsgId' });
                    };
                    r.onsuccess = () => done(r.result);
                    r.onerror = fail;
                  });
                }""", database);

        // the new version in another tab works (online, without its device copy) instead of waiting
        ChatPage ana = ChatPage.wrap(device.newPage(), first.username);
        ana.page.navigate(Browsers.url());
        ana.awaitConnected();
        ana.open("Bob");
        assertThat(ana.message("before the upgrade")).isVisible();
        ana.send("while an old tab is open");
        assertThat(ana.message("while an old tab is open")).hasAttribute("data-status", SENT);
        bob.open("Ana");
        assertThat(bob.message("while an old tab is open")).hasCount(1);
        assertEquals(1, ((Number) ana.page.evaluate("async (name) => (await indexedDB.databases()).find((d) => d.name === name).version", database)).intValue(),
                "the old tab still holds version 1");

        // the old tab goes: the next start upgrades the device copy and uses it again
        old.close();
        ana.page.reload();
        ana.awaitConnected();
        Browsers.waitForAsync(ana.page, "async (name) => (await indexedDB.databases()).find((d) => d.name === name)?.version === 2",
                database, 10_000);
        ana.open("Bob");
        assertThat(ana.message("while an old tab is open")).isVisible();
        // messages are written to the device copy behind the screen (within 100 ms, one transaction
        // for a burst): a reload in that window would race the write, not test the copy
        Browsers.waitForAsync(ana.page, """
                async ([name, text]) => {
                  const db = await new Promise((done, fail) => { const r = indexedDB.open(name); r.onsuccess = () => done(r.result); r.onerror = fail; });
                  try {
                    const all = await new Promise((done, fail) => { const r = db.transaction('messages').objectStore('messages').getAll(); r.onsuccess = () => done(r.result); r.onerror = fail; });
                    return all.some((m) => m.text === text);
                  } finally {
                    db.close();
                  }
                }""", java.util.List.of(database, "while an old tab is open"), 10_000);
        ana.page.context().setOffline(true);
        ana.page.reload();
        ana.open("Bob");
        assertThat(ana.message("while an old tab is open")).isVisible(); // from the device copy
        ana.page.context().setOffline(false);
    }
}
