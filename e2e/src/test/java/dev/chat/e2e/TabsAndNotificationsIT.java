package dev.chat.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several tabs of one person stay live and consistent; a hidden tab raises a notification and a
 * title badge for a new message, and a muted chat stays quiet.
 */
@ExtendWith(Browsers.class)
class TabsAndNotificationsIT {
    /** Lets the test hide the tab and records notifications instead of showing them. */
    private static final String HOOKS = """
            window.__hidden = false;
            Object.defineProperty(document, 'visibilityState', { get: () => window.__hidden ? 'hidden' : 'visible' });
            window.__notes = [];
            window.Notification = class {
              static permission = 'granted';
              static requestPermission() { return Promise.resolve('granted'); }
              constructor(title, options) { window.__notes.push(title + ': ' + (options && options.body)); }
              close() {}
            };""";

    @Test
    void twoTabsStayInStepAndAHiddenTabNotifiesUnlessMuted(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        Page tab1 = browsers.newPerson();
        tab1.context().addInitScript(HOOKS);
        ChatPage ana = ChatPage.signUp(tab1, Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("hello from tab one");

        // a second tab of the same browser: same session, its own socket
        BrowserContext context = tab1.context();
        Page tab2Page = context.newPage();
        tab2Page.navigate(Browsers.url());
        ChatPage tab2 = ChatPage.wrap(tab2Page, ana.username);
        tab2.awaitConnected();
        assertThat(tab2.conversation("Bob")).containsText("hello from tab one");

        // both tabs get Bob's message; reading it in tab one clears the badge in tab two
        bob.open("Ana");
        tab2Page.evaluate("() => { window.__hidden = true; }");
        bob.send("reply for every tab");
        assertThat(ana.message("reply for every tab")).isVisible();
        assertThat(tab2.conversation("Bob")).containsText("reply for every tab");
        assertThat(tab2.conversation("Bob").getByTestId("unread")).hasCount(0);

        // tab two hidden and not in the chat: a notification and a title badge when tab one is away too
        tab1.evaluate("() => { window.__hidden = true; }");
        tab2Page.evaluate("() => { window.__notes.length = 0; }");
        tab1.evaluate("() => { window.__notes.length = 0; }");
        bob.send("are you there?");
        assertThat(tab2.conversation("Bob").getByTestId("unread")).hasText("1");
        assertThat(tab2Page).hasTitle("(1) Chat");
        @SuppressWarnings("unchecked")
        List<String> notes = (List<String>) tab2Page.evaluate("() => window.__notes");
        assertEquals(List.of("Bob: are you there?"), notes);

        // muted: still delivered and counted, but quiet
        tab2Page.evaluate("() => { window.__hidden = false; }");
        tab2.open("Bob");
        tab2Page.getByLabel("Chat options").click();
        tab2Page.getByRole(com.microsoft.playwright.options.AriaRole.MENUITEM,
                new Page.GetByRoleOptions().setName("Mute")).click();
        tab2Page.evaluate("() => { window.__hidden = true; window.__notes.length = 0; }");
        bob.send("muted ping");
        assertThat(tab2.conversation("Bob")).containsText("muted ping");
        @SuppressWarnings("unchecked")
        List<String> quiet = (List<String>) tab2Page.evaluate("() => window.__notes");
        assertTrue(quiet.isEmpty(), "a muted chat raises no notification: " + quiet);
    }
}
