package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Finding people by name, keeping contacts, and one's own profile, in the browser. */
@ExtendWith(Browsers.class)
class PeopleIT {
    private static final Locator.GetByLabelOptions EXACT = new Locator.GetByLabelOptions().setExact(true);

    @Test
    void findSomeoneByDisplayNameKeepThemAsAContactAndEditMyProfile(Browsers browsers) {
        String marker = Browsers.uniqueName("zed").substring(4); // a display name nobody else has
        String zedName = Browsers.uniqueName("zed");
        ChatPage.signUp(browsers.newPerson(), zedName, "Zelda " + marker);
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        Page page = ana.page;

        // search by display name prefix, pick with the keyboard
        page.getByTestId("new-chat-username").fill("zelda " + marker);
        assertThat(page.getByTestId("person")).hasCount(1);
        assertThat(page.getByTestId("person")).containsText("@" + zedName);
        Browsers.screenshot(page, "people-search");
        page.getByTestId("new-chat-username").press("ArrowDown");
        page.getByTestId("new-chat-username").press("Enter");
        assertThat(page.locator("#peer-name")).hasText("Zelda " + marker);

        // keep her as a contact under my own name for her, then remove her
        page.getByLabel("Chat options").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add to contacts…")).click();
        ana.answerWith("Zee");
        assertThat(page.locator("#peer-name")).hasText("Zee");
        page.getByTestId("new-chat-username").fill("zelda " + marker);
        assertThat(page.getByTestId("person")).containsText("contact");
        page.getByTestId("new-chat-username").press("Escape");
        page.getByLabel("Chat options").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Remove from contacts")).click();
        assertThat(page.locator("#peer-name")).hasText("Zelda " + marker);

        // my profile: a new display name and a bio, kept across a reload
        page.getByLabel("Edit profile").click();
        page.locator("#profile").getByLabel("Display name", EXACT).fill("Ana Lima");
        page.locator("#profile").getByLabel("About", EXACT).fill("Here to chat");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("#me-name")).hasText("Ana Lima");
        page.reload();
        ana.awaitConnected();
        assertThat(page.locator("#me-name")).hasText("Ana Lima");
        page.getByLabel("Edit profile").click();
        assertThat(page.locator("#profile").getByLabel("About", EXACT)).hasValue("Here to chat");
    }
}
