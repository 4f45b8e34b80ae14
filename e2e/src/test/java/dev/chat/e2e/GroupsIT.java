package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** A group in two browsers: create, invite by link, join, two channels, a mention badge, kick. */
@ExtendWith(Browsers.class)
class GroupsIT {
    private static final Locator.GetByLabelOptions EXACT = new Locator.GetByLabelOptions().setExact(true);

    @Test
    void createInviteJoinChatInTwoChannelsMentionAndKick(Browsers browsers) {
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        Page a = ana.page;

        // Ana creates a group: she lands in #general
        ana.createGroup("Climbers");

        // she opens the group settings, makes a second channel and an invite link
        ana.openGroupSettings();
        a.locator("#group-panel").getByLabel("New channel name").fill("trips");
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create channel")).click();
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create invite link")).click();
        assertThat(a.locator("#invite-link")).hasValue(java.util.regex.Pattern.compile(".*#join=.+"));
        String link = a.locator("#invite-link").inputValue();
        Browsers.screenshot(a, "group-panel-ana");
        a.locator("#group-panel").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Done")).click();

        // Bob follows the link: he sees the group before joining, then joins
        bob.page.navigate(link);
        bob.awaitConnected();
        assertThat(bob.page.locator("#join-name")).hasText("Climbers");
        assertThat(bob.page.locator("#join-channels")).containsText("#trips");
        Browsers.screenshot(bob.page, "group-join-bob");
        bob.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join group")).click();
        assertThat(bob.page.locator("#peer-name")).hasText("#general");
        assertThat(bob.conversation("#trips")).isVisible();

        // both chat in two channels
        bob.send("Hi all, Bob here");
        assertThat(ana.message("Hi all, Bob here")).isVisible();
        assertThat(a.locator(".sender")).hasText("Bob");
        ana.open("#trips");
        ana.send("Planning Fontainebleau, @" + bobName + " in?");
        assertThat(bob.conversation("#trips").getByTestId("mentions")).isVisible();
        bob.open("#trips");
        assertThat(bob.message("Planning Fontainebleau").locator("mark.mention")).hasText("@" + bobName);
        assertThat(bob.conversation("#trips").getByTestId("mentions")).hasCount(0);
        bob.send("In!");
        assertThat(ana.message("In!")).isVisible();
        Browsers.screenshot(bob.page, "group-channel-bob");

        // Ana removes Bob: the group's channels leave his inbox at once
        ana.openGroupSettings();
        a.getByLabel("Remove " + bobName).click();
        assertThat(a.getByTestId("member")).hasCount(1);
        assertThat(bob.conversation("#general")).hasCount(0);
        assertThat(bob.conversation("#trips")).hasCount(0);
    }
}
