package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.SelectOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a new user stumbles on in the web UI (issue 16), each fixed and kept fixed. */
@ExtendWith(Browsers.class)
class NewUserIT {
    private static final Locator.GetByLabelOptions EXACT = new Locator.GetByLabelOptions().setExact(true);

    /** Group settings at a phone's and a laptop's width: every action reachable inside the dialog, nothing sideways. */
    @Test
    void groupSettingsFitAPhoneAndALaptop(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        int[][] sizes = {{390, 844}, {1280, 800}};
        for (int[] size : sizes) {
            for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
                Page page = browsers.newPerson(size[0], size[1]);
                page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
                ChatPage ana = ChatPage.signUp(page, Browsers.uniqueName("ana"), "Ana with a rather long display name");
                ana.createGroup("A book club with a long name for a phone");
                Locator panel = ana.openGroupSettings();
                String name = "group-settings-" + size[0] + "-" + scheme.name().toLowerCase();

                // as it opens: Done is on screen without scrolling
                assertInViewport(page, panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Done")), "Done, unscrolled");

                // fill it: a member with owner/admin/remove buttons, a channel, an invite
                panel.getByLabel("Add a member by username").fill(bobName);
                panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add").setExact(true)).click();
                assertThat(panel.getByTestId("member")).hasCount(2);
                panel.getByLabel("New channel name").fill("novels");
                panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create channel")).click();
                assertThat(panel.getByTestId("channel")).hasCount(2);
                panel.getByLabel("Link expires").selectOption(new SelectOption().setLabel("Expires in 1 day"));
                panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create invite link")).click();
                assertThat(panel.getByTestId("invite")).hasCount(1);
                Browsers.screenshot(page, name);

                Locator buttons = panel.locator("button:visible");
                int n = buttons.count();
                assertTrue(n >= 14, "the owner's actions are all there, got " + n);
                for (int i = 0; i < n; i++) {
                    Locator b = buttons.nth(i);
                    b.scrollIntoViewIfNeeded();
                    String label = b.getAttribute("aria-label") != null ? b.getAttribute("aria-label") : b.textContent();
                    assertInViewport(page, b, label + " at " + size[0] + " px");
                    assertInside(panel.boundingBox(), b.boundingBox(), label + " inside the dialog");
                    // the title stays above whatever is scrolled into view
                    assertInViewport(page, page.locator("#group-panel-title"), "the title, with " + label + " in view");
                    assertInViewport(page, panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Done")), "Done, with " + label + " in view");
                }
                Object sideways = panel.evaluate("d => [d, ...d.querySelectorAll('*')].filter(n => n.scrollWidth > n.clientWidth + 1"
                        + " && getComputedStyle(n).overflowX !== 'visible' && getComputedStyle(n).overflowX !== 'hidden'"
                        + " && !['INPUT','SELECT','TEXTAREA'].includes(n.tagName)).map(n => n.id || n.className)");
                assertEquals(List.of(), sideways, "nothing in the dialog scrolls sideways");
                assertTrue(Boolean.TRUE.equals(panel.evaluate("d => d.scrollWidth <= d.clientWidth")), "the dialog is no wider than its box");
                Browsers.screenshot(page, name + "-scrolled");

                // the channel's rename is the app's own dialog, on top of the settings
                panel.getByLabel("Rename #novels").click();
                assertThat(ana.askDialog()).isVisible();
                Browsers.screenshot(page, name + "-rename");
                ana.answerWith("fiction");
                assertThat(panel.getByTestId("channel").filter(new Locator.FilterOptions().setHasText("#fiction"))).isVisible();
                page.context().close();
            }
        }
    }

    /**
     * Delete asks first, in the app's own dialog: "Delete for me" (any message: gone on all my
     * devices, the other person keeps it) and "Delete for everyone" (only my own messages).
     */
    @Test
    void deletingAMessageAsksFirstAndNoBrowserDialogsAppear(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        String anaName = Browsers.uniqueName("ana");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, "Ana");
        List<String> nativeDialogs = new ArrayList<>();
        ana.page.onDialog(d -> { nativeDialogs.add(d.type() + ": " + d.message()); d.dismiss(); });
        ana.startChat(bobName);
        ana.send("Oops, wrong chat");
        assertThat(bob.conversation("Ana")).isVisible();
        bob.open("Ana");
        assertThat(bob.message("Oops, wrong chat")).isVisible();
        bob.send("No worries");
        assertThat(ana.message("No worries")).isVisible();
        bob.send("Lunch at noon?");
        assertThat(ana.message("Lunch at noon?")).isVisible();
        ChatPage anaPhone = ChatPage.logIn(browsers.newPerson(390, 844), anaName);
        anaPhone.open("Bob");
        assertThat(anaPhone.message("No worries")).isVisible();

        // Bob's message: only "Delete for me"
        Locator worries = ana.message("No worries");
        worries.hover();
        worries.getByLabel("Delete message", EXACT).click();
        assertThat(ana.askDialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete for me"))).isVisible();
        assertThat(ana.askDialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete for everyone"))).hasCount(0);
        Browsers.screenshot(ana.page, "delete-for-me-ask");
        ana.answer("Delete for me");
        assertThat(ana.message("No worries")).hasCount(0);
        assertThat(anaPhone.message("No worries")).hasCount(0);
        assertThat(anaPhone.message("Lunch at noon?")).isVisible();
        Browsers.screenshot(anaPhone.page, "delete-for-me-ana-phone");
        bob.page.waitForTimeout(500);
        assertThat(bob.message("No worries")).isVisible();
        assertThat(bob.message("No worries")).not().containsText("deleted");
        ana.page.reload();
        ana.awaitConnected();
        ana.open("Bob");
        assertThat(ana.message("Lunch at noon?")).isVisible();
        assertThat(ana.message("No worries")).hasCount(0);

        // Escape answers no: nothing is deleted
        Locator oops = ana.message("Oops, wrong chat");
        oops.hover();
        oops.getByLabel("Delete message", EXACT).click();
        assertThat(ana.askDialog()).isVisible();
        assertThat(ana.askDialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete for everyone"))).isVisible();
        assertThat(ana.askDialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete for me"))).isVisible();
        assertTrue(Boolean.TRUE.equals(ana.page.evaluate("() => document.activeElement.closest('[data-testid=ask]') !== null")),
                "the focus is in the dialog");
        Browsers.screenshot(ana.page, "delete-message-ask");
        ana.page.keyboard().press("Escape");
        assertThat(ana.askDialog()).hasCount(0);
        // and so does Cancel
        oops.hover();
        oops.getByLabel("Delete message", EXACT).click();
        ana.answer("Cancel");
        ana.page.waitForTimeout(500);
        assertThat(oops).not().containsText("This message was deleted");
        assertThat(bob.message("Oops, wrong chat")).isVisible();

        // yes: gone for both
        ana.deleteMessage(oops);
        assertThat(bob.message("This message was deleted")).isVisible();
        assertThat(ana.message("This message was deleted")).isVisible();

        // a contact name with the keyboard: Escape changes nothing, Enter saves
        ana.page.getByLabel("Chat options").click();
        ana.page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add to contacts…")).click();
        assertTrue(Boolean.TRUE.equals(ana.page.evaluate("() => document.activeElement.id === 'ask-input'")), "the name field has the focus");
        ana.page.keyboard().type("Not this");
        ana.page.keyboard().press("Escape");
        assertThat(ana.askDialog()).hasCount(0);
        assertThat(ana.page.locator("#peer-name")).hasText("Bob");
        ana.page.getByLabel("Chat options").click();
        ana.page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add to contacts…")).click();
        Browsers.screenshot(ana.page, "contact-name-ask");
        ana.answerWith("Bobby");
        assertThat(ana.page.locator("#peer-name")).hasText("Bobby");

        // clearing asks too
        ana.page.getByLabel("Chat options").click();
        ana.page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Clear history")).click();
        ana.answer("Cancel");
        assertThat(ana.message("Lunch at noon?")).isVisible();
        assertEquals(List.of(), nativeDialogs, "no prompt() or confirm() of the browser");
    }

    /** A visitor without a session gets the login form at once: one refresh attempt, no waiting and retrying. */
    @Test
    void aLoggedOutVisitorSeesTheLoginFormAtOnce(Browsers browsers) {
        Page page = browsers.newPerson();
        AtomicInteger refreshes = new AtomicInteger();
        page.onRequest(r -> { if (r.url().endsWith("/api/auth/refresh")) refreshes.incrementAndGet(); });
        page.navigate(Browsers.url());
        assertThat(page.locator("#auth")).isVisible();
        assertThat(page.getByLabel("Username", new Page.GetByLabelOptions().setExact(true))).isFocused();
        page.waitForTimeout(1500);
        assertTrue(refreshes.get() <= 1, "a definite no from refresh is not asked again, got " + refreshes.get() + " refreshes");
        assertThat(page.locator("#app")).isHidden();
    }

    /** http(s) links in a message open in a new tab; nothing else becomes a link, no markup is built from the text. */
    @Test
    void linksInMessagesAreClickableAndNothingElse(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        String text = "Docs at <b>https://example.com/a?b=1&c=2</b>, not javascript:alert(1) "
                + "nor <a href=\"javascript:alert(2)\">this</a> nor data:text/html,hi (see https://example.org/x).";
        ana.send(text);
        bob.open("Ana");
        Locator message = bob.message("Docs at");
        assertThat(message).isVisible();
        Locator links = message.locator("a");
        assertThat(links).hasCount(2);
        assertThat(links.nth(0)).hasAttribute("href", "https://example.com/a?b=1&c=2");
        assertThat(links.nth(0)).hasText("https://example.com/a?b=1&c=2");
        assertThat(links.nth(1)).hasAttribute("href", "https://example.org/x");
        for (int i = 0; i < 2; i++) {
            assertThat(links.nth(i)).hasAttribute("target", "_blank");
            assertThat(links.nth(i)).hasAttribute("rel", "noopener noreferrer");
        }
        assertThat(message.locator("b")).hasCount(0);
        assertThat(message.locator(".body")).hasText(text);
        Browsers.screenshot(bob.page, "links-bob");
    }

    /** Unread rows stand out, channels have their own avatars, typing shows once, a phone's action bar covers no other bubble. */
    @Test
    void smallerThings(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        Page phone = browsers.newPerson(390, 844);
        phone.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        ChatPage bob = ChatPage.signUp(phone, bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        Page a = ana.page;
        ana.startChat(bobName);
        ana.send("Hello Bob");

        // two channels of one group: their avatars differ
        ana.createGroup("Climbers");
        ana.openGroupSettings();
        a.locator("#group-panel").getByLabel("New channel name").fill("routes");
        a.locator("#group-panel").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create channel")).click();
        a.locator("#group-panel").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Done")).click();
        String general = ana.conversation("#general").locator(".avatar").textContent();
        String routes = ana.conversation("#routes").locator(".avatar").textContent();
        assertNotEquals(general, routes, "two channels of a group look different");
        assertNotEquals(ana.conversation("#general").locator(".avatar").getAttribute("style"),
                ana.conversation("#routes").locator(".avatar").getAttribute("style"), "and have their own colours");

        // Bob writes while Ana reads a channel: his row is bold, the read rows are not
        bob.open("Ana");
        bob.send("First line from Bob");
        bob.send("Second line from Bob");
        assertThat(ana.conversation("Bob").getByTestId("unread")).hasText("2");
        assertTrue(weight(ana.conversation("Bob").locator(".title")) >= 700, "an unread row's name is bold");
        assertTrue(weight(ana.conversation("#routes").locator(".title")) < 600, "a read row's name is not");
        assertNotEquals(ana.conversation("Bob").locator(".preview").evaluate("n => getComputedStyle(n).color"),
                ana.conversation("#routes").locator(".preview").evaluate("n => getComputedStyle(n).color"), "an unread preview is stronger");
        Browsers.screenshot(a, "unread-and-channels-ana");

        // typing shows once, above the composer
        ana.open("Bob");
        phone.getByLabel("Message", new Page.GetByLabelOptions().setExact(true))
                .pressSequentially("I am wri", new Locator.PressSequentiallyOptions().setDelay(30));
        assertThat(a.locator("#typing")).hasText("Bob is typing…");
        assertThat(a.locator("#peer-status")).not().containsText("typing");
        Browsers.screenshot(a, "typing-once-ana");

        // on the phone, a tapped bubble's actions do not cover the bubble above it
        Locator second = bob.message("Second line from Bob");
        Locator first = bob.message("First line from Bob");
        second.locator(".body").click();
        Locator actions = second.locator(".actions");
        assertThat(actions.getByLabel("Delete message", EXACT)).isVisible();
        phone.waitForTimeout(300);
        BoundingBox bar = actions.boundingBox();
        BoundingBox above = first.boundingBox();
        assertTrue(bar.y >= above.y + above.height, "the action bar (top " + bar.y + ") is below the bubble above (bottom "
                + (above.y + above.height) + ")");
        Browsers.screenshot(phone, "phone-actions-dark");
        phone.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        Browsers.screenshot(phone, "phone-actions-light");
        assertTrue(Boolean.TRUE.equals(phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")), "nothing sideways");
    }

    /** Bob renames himself: Ana's header and inbox follow at once, without a reload. */
    @Test
    void aNewDisplayNameShowsLiveForTheOtherPerson(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("Hello there");
        assertThat(ana.page.locator("#peer-name")).hasText("Bob");
        assertThat(bob.conversation("Ana")).isVisible();

        bob.page.getByLabel("Edit profile").click();
        bob.page.locator("#profile").getByLabel("Display name", EXACT).fill("Robert the Bruce");
        bob.page.locator("#profile").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(bob.page.locator("#me-name")).hasText("Robert the Bruce");

        assertThat(ana.page.locator("#peer-name")).hasText("Robert the Bruce");
        assertThat(ana.conversation("Robert the Bruce")).isVisible();
        assertThat(ana.page.getByTestId("conversation-item").filter(new Locator.FilterOptions().setHasText("Bob"))).hasCount(0);
        Browsers.screenshot(ana.page, "renamed-live-ana");
    }

    private static double weight(Locator node) {
        return Double.parseDouble(String.valueOf(node.evaluate("n => getComputedStyle(n).fontWeight")));
    }

    private static void assertInViewport(Page page, Locator node, String what) {
        BoundingBox box = node.boundingBox();
        assertTrue(box != null, what + " is shown");
        int w = page.viewportSize().width;
        int h = page.viewportSize().height;
        assertTrue(box.x >= 0 && box.y >= 0 && box.x + box.width <= w + 0.5 && box.y + box.height <= h + 0.5,
                what + " is within the " + w + "x" + h + " viewport: " + box.x + "," + box.y + " " + box.width + "x" + box.height);
    }

    private static void assertInside(BoundingBox outer, BoundingBox inner, String what) {
        assertTrue(inner.x >= outer.x - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5
                        && inner.y >= outer.y - 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5,
                what + ": " + inner.x + "," + inner.y + " " + inner.width + "x" + inner.height
                        + " in " + outer.x + "," + outer.y + " " + outer.width + "x" + outer.height);
    }
}
