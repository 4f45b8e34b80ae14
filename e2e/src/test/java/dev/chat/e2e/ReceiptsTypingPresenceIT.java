package dev.chat.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a person sees of the other side: ticks that tell the truth (sending, sent, delivered,
 * read), the typing line, the presence dot and last seen, and the name they gave a contact.
 */
@ExtendWith(Browsers.class)
class ReceiptsTypingPresenceIT {
    @Test
    void ticksTypingPresenceAndAliasBetweenTwoBrowsers(Browsers browsers) {
        String anaName = Browsers.uniqueName("ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, "Ana");
        Page bobPage = browsers.newPerson();
        ChatPage.signUp(bobPage, bobName, "Bob");
        ana.startChat(bobName);
        assertThat(ana.page.locator("#peer-status")).hasText("online");
        assertThat(ana.page.locator("#peer-dot")).hasClass(Pattern.compile(".*online.*"));

        // Bob goes away: presence turns to last seen, and Ana's message can only be "sent"
        bobPage.context().close();
        assertThat(ana.page.locator("#peer-status")).containsText("last seen");
        ana.watchStatuses("Are you there?");
        ana.send("Are you there?");
        assertThat(ana.message("Are you there?")).hasAttribute("data-status", "sent");

        // Bob comes back on a new device: syncing delivers it; opening the chat reads it
        Page bobAgain = browsers.newPerson();
        ChatPage bob2 = ChatPage.logIn(bobAgain, bobName);
        assertThat(bob2.conversation("Ana").getByTestId("unread")).hasText("1");
        assertThat(ana.message("Are you there?")).hasAttribute("data-status", "delivered");
        assertThat(ana.page.locator("#peer-status")).hasText("online");
        bob2.open("Ana");
        assertThat(ana.message("Are you there?")).hasAttribute("data-status", "read");
        assertThat(bob2.conversation("Ana").getByTestId("unread")).hasCount(0);

        List<String> statuses = ana.statuses();
        assertEquals(List.of("sending", "sent", "delivered", "read"), statuses, "the ticks tell each step, in order");

        // typing: Bob types without sending; Ana sees it, and it goes away by itself
        bobAgain.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).pressSequentially("I am wri", new com.microsoft.playwright.Locator.PressSequentiallyOptions().setDelay(30));
        assertThat(ana.page.locator("#typing")).hasText("Bob is typing…");
        Browsers.screenshot(ana.page, "typing-ana");
        assertThat(ana.page.locator("#typing")).hasText("", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(12_000));

        // Ana names Bob in her contacts: her inbox and header say so; Bob's side is unchanged
        ana.page.getByLabel("Chat options").click();
        ana.page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add to contacts…")).click();
        ana.answerWith("Bobby from work");
        assertThat(ana.conversation("Bobby from work")).isVisible();
        assertThat(ana.page.locator("#peer-name")).hasText("Bobby from work");
        assertThat(bob2.page.locator("#peer-name")).hasText("Ana");
        Browsers.screenshot(ana.page, "receipts-ana");
        Browsers.screenshot(bobAgain, "receipts-bob");
    }
}
