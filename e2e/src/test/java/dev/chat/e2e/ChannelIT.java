package dev.chat.e2e;

import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A group's channel in the web client: listed under its group, live messages with sender names,
 * and it leaves the inbox when the member is removed. (Groups are created through the API here.)
 */
@ExtendWith(Browsers.class)
class ChannelIT {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void channelMessagesShowWhoWroteThemAndRemovalTakesTheChannelAway(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");

        var created = ana.page.request().post(Browsers.url() + "/api/groups",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"name\":\"Climbers\"}"));
        assertEquals(201, created.status());
        String group = JSON.readTree(created.text()).get("id").asText();
        var added = ana.page.request().post(Browsers.url() + "/api/groups/" + group + "/members",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"username\":\"" + bobName + "\"}"));
        assertEquals(201, added.status());

        // bob sees the channel appear live, under its group
        assertThat(bob.page.locator(".group-header")).hasText("Climbers");
        assertThat(bob.conversation("#general")).isVisible();
        ana.page.reload();
        ana.awaitConnected();
        ana.open("#general");
        assertThat(ana.page.locator("#peer-status")).hasText("Climbers · 2 members");
        ana.send("Who is in for Saturday?");
        bob.open("#general");
        assertThat(bob.message("Who is in for Saturday?")).isVisible();
        assertThat(bob.page.locator(".sender")).hasText("Ana");
        bob.send("Me!");
        assertThat(ana.message("Me!")).isVisible();
        Browsers.screenshot(bob.page, "channel-bob");

        var removed = ana.page.request().delete(Browsers.url() + "/api/groups/" + group + "/members/"
                + bob.page.evaluate("() => fetch('/api/me').then((r) => r.json()).then((me) => me.id)"));
        assertEquals(204, removed.status());
        assertThat(bob.conversation("#general")).hasCount(0);
    }
}
