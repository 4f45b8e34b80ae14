package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Running a group from the web UI: rename, channels, invite options and revocation, ownership transfer. */
@ExtendWith(Browsers.class)
class GroupAdminIT {
    private static final Locator.GetByLabelOptions EXACT = new Locator.GetByLabelOptions().setExact(true);

    @Test
    void anOwnerRunsTheGroupFromTheSettingsPanel(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        Page a = ana.page;
        ana.createGroup("Book club");
        Locator panel = ana.openGroupSettings();

        // rename the group and describe it
        panel.getByLabel("Group name", EXACT).fill("Readers' circle");
        panel.getByLabel("Description", EXACT).fill("One book a month");
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(a.locator("#group-panel-title")).hasText("Readers' circle");
        assertThat(a.locator(".group-header")).hasText("Readers' circle");

        // a channel: create, rename, archive
        panel.getByLabel("New channel name").fill("novels");
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create channel")).click();
        panel.getByLabel("Rename #novels").click();
        ana.answerWith("fiction");
        assertThat(panel.getByTestId("channel").filter(new Locator.FilterOptions().setHasText("#fiction"))).isVisible();
        panel.getByLabel("Archive #fiction").click();
        assertThat(panel.getByTestId("channel").filter(new Locator.FilterOptions().setHasText("#fiction"))).containsText("archived");

        // an invite link for one use within an hour, listed, then revoked
        panel.getByLabel("Link expires").selectOption(new SelectOption().setLabel("Expires in 1 hour"));
        panel.getByLabel("Maximum uses").fill("1");
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create invite link")).click();
        assertThat(panel.getByTestId("invite")).containsText("0/1 uses");
        Browsers.screenshot(a, "group-admin-ana");
        panel.getByTestId("invite").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(panel.getByTestId("invite")).hasCount(0);

        // add Bob and hand him the group: Ana stays as an admin and may now leave, not delete
        panel.getByLabel("Add a member by username").fill(bobName);
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add")).click();
        assertThat(panel.getByTestId("member")).hasCount(2);
        panel.getByLabel("Make " + bobName + " the owner").click();
        ana.answer("Make owner");
        assertThat(panel.getByTestId("member").filter(new Locator.FilterOptions().setHasText("@" + bobName))).containsText("owner");
        assertThat(a.locator("#delete-group")).isHidden();
        assertThat(a.locator("#leave-group")).isVisible();
    }
}
