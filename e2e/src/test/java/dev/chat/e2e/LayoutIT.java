package dev.chat.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UI fits a 360 px phone (one pane at a time, nothing wider than the screen) and follows dark mode. */
@ExtendWith(Browsers.class)
class LayoutIT {

    @Test
    void phoneWidthShowsOnePaneAtATimeInDarkMode(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        Page phone = browsers.newPerson(360, 740);
        phone.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        ChatPage ana = ChatPage.signUp(phone, Browsers.uniqueName("ana"), "Ana with a rather long display name");
        assertNoHorizontalOverflow(phone);
        Browsers.screenshot(phone, "phone-inbox-dark");

        ana.startChat(bobName);
        ana.send("A long message that has to wrap on a narrow phone screen without pushing anything sideways: "
                + "https://example.com/a/really/long/link/without/any/spaces/in/it/at/all/whatsoever");
        assertThat(ana.message("A long message")).hasAttribute("data-status", java.util.regex.Pattern.compile("sent|delivered|read"));
        assertThat(phone.locator(".sidebar")).isHidden();
        assertNoHorizontalOverflow(phone);
        String background = (String) phone.evaluate("() => getComputedStyle(document.documentElement).backgroundColor");
        assertTrue(background.startsWith("rgb(15, 17, 21)"), "dark background, got " + background);
        Browsers.screenshot(phone, "phone-conversation-dark");

        phone.getByLabel("Back to chats").click();
        assertThat(phone.locator(".sidebar")).isVisible();
        assertThat(ana.conversation("Bob")).containsText("A long message");
    }

    private static void assertNoHorizontalOverflow(Page page) {
        Object fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth");
        assertTrue(Boolean.TRUE.equals(fits), "the page is wider than the screen");
    }
}
