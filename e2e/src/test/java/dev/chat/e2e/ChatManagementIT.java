package dev.chat.e2e;

import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Editing and deleting one's own message, and pinning a chat, in the browser, seen from both sides. */
@ExtendWith(Browsers.class)
class ChatManagementIT {

    @Test
    void editDeleteAndPinAreSeenByTheRightPeople(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("See you at 5");
        ana.send("Wrong chat, sorry");
        bob.open("Ana");
        assertThat(bob.message("See you at 5")).isVisible();

        // edit with the keyboard: the action buttons are in the tab order
        ana.message("See you at 5").getByLabel("Edit message").focus();
        ana.page.keyboard().press("Enter");
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).fill("See you at 6");
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).press("Enter");
        assertThat(bob.message("See you at 6")).containsText("edited");
        assertThat(bob.page.getByTestId("message").filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("See you at 5"))).hasCount(0);

        ana.deleteMessage(ana.message("Wrong chat, sorry"));
        assertThat(bob.message("This message was deleted")).isVisible();
        assertThat(bob.page.getByTestId("message")).hasCount(2);
        assertThat(bob.conversation("Ana")).containsText("Message deleted");
        assertThat(ana.conversation("Bob")).containsText("Message deleted");

        // pinning is Ana's own business
        ana.page.getByLabel("Chat options").click();
        ana.page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Pin chat")).click();
        assertThat(ana.conversation("Bob").getByLabel("Pinned")).isVisible();
        assertThat(bob.conversation("Ana").getByLabel("Pinned")).hasCount(0);
        Browsers.screenshot(bob.page, "management-bob");
    }
}
