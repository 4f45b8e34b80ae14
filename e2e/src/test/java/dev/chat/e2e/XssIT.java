package dev.chat.e2e;

import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Names, messages and contact aliases holding HTML and script are shown as text and never run, in
 * the inbox, the header and the conversation; the Content-Security-Policy (no inline script) backs
 * that up.
 */
@ExtendWith(Browsers.class)
class XssIT {
    private static final String NAME = "<img src=x onerror=\"window.__xss='name'\">";
    private static final String MESSAGE = "<script>window.__xss='script'</script><img src=x onerror=\"window.__xss='message'\">";
    private static final String ALIAS = "<svg onload=\"window.__xss='alias'\">";

    @Test
    void storedMarkupIsShownAsTextAndNeverRuns(Browsers browsers) {
        String anaName = Browsers.uniqueName("ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, NAME);
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ana.startChat(bobName);
        ana.send(MESSAGE);
        assertThat(bob.conversation("<img src=x")).isVisible(); // her display name, as text, in bob's inbox
        bob.open(NAME);
        assertThat(bob.message("<script>")).containsText(MESSAGE);
        assertThat(ana.message("<script>")).containsText(MESSAGE);

        String anaId = ana.page.request().get(Browsers.url() + "/api/me").text().replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        var put = bob.page.request().put(Browsers.url() + "/api/contacts/" + anaId, RequestOptions.create().setData(Map.of("alias", ALIAS)));
        assertEquals(200, put.status(), put.text());
        bob.page.reload();
        bob.awaitConnected();
        bob.open(ALIAS); // the inbox row and the header show bob's alias for her, as text
        assertThat(bob.message("onerror")).containsText(MESSAGE);
        Browsers.screenshot(bob.page, "xss-bob");

        for (ChatPage p : new ChatPage[]{ana, bob}) {
            assertEquals(null, p.page.evaluate("() => window.__xss ?? null"), "nothing ran on " + p.username + "'s page");
            assertEquals(0, p.page.locator("[onerror], [onload], script:not([src]), #messages img, #conversation-list img").count(),
                    "no element came from the payloads");
        }
    }
}
