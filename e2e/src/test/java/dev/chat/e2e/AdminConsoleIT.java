package dev.chat.e2e;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console over the admin API, through nginx: the first admin comes from
 * {@code ./chat admin create}; the overview lists both ws-nodes; an announcement reaches a user's
 * open chat as a banner; disabling that user signs their browser out at once; the audit log
 * shows both actions. Screenshots and an axe check of the console.
 */
@ExtendWith(Browsers.class)
class AdminConsoleIT {

    @Test
    void anAdminAnnouncesDisablesAndReadsTheAuditLog(Browsers browsers) throws Exception {
        String adminName = Browsers.uniqueName("root");
        Process create = new ProcessBuilder(System.getProperty("chat.e2e.chat"), "admin", "create", adminName, "test")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        create.getOutputStream().close();
        String said = new String(create.getInputStream().readAllBytes());
        assertEquals(0, create.waitFor(), said);
        assertTrue(said.contains("created admin " + adminName), said);
        String password = said.replaceAll("(?s).*password \\(shown once; keep it somewhere safe\\): (\\S+).*", "$1").strip();

        String anaName = Browsers.uniqueName("ana");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, "Ana");

        Page page = browsers.newPerson();
        ChatPage.logIn(page, adminName, password);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin console")).click();

        // overview: figures and the nodes alive
        assertThat(page.getByTestId("admin-stats")).containsText("Online now");
        assertThat(page.getByTestId("admin-nodes")).containsText("ws-1");
        assertThat(page.getByTestId("admin-nodes")).containsText("ws-2");
        Browsers.screenshot(page, "admin-overview");
        assertEquals(List.of(), serious(page), "axe: no serious or critical violations");

        // an announcement reaches the user's open chat
        page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Announce")).click();
        page.getByLabel("Announcement", new Page.GetByLabelOptions().setExact(true)).fill("Maintenance tonight at 22:00");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send announcement")).click();
        assertThat(ana.page.locator("#announcement")).containsText("Maintenance tonight at 22:00");
        Browsers.screenshot(ana.page, "announcement-banner");

        // disabling ana signs her browser out
        page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Users")).click();
        page.getByLabel("Search users").fill(anaName);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        page.getByTestId("admin-user-row").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
                .setName(anaName)).click();
        assertThat(page.getByTestId("admin-user-detail")).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Disable")).click();
        var dialog = page.getByTestId("admin-reason-dialog");
        dialog.getByLabel("Reason", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)).fill("spam");
        dialog.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Confirm")).click();
        assertThat(page.getByTestId("admin-user-row")).containsText("Disabled");
        assertThat(ana.page.locator("#auth")).isVisible();
        Browsers.screenshot(page, "admin-users");

        page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Audit log")).click();
        assertThat(page.getByTestId("admin-audit")).containsText("user.disable");
        assertThat(page.getByTestId("admin-audit")).containsText("announcement");
        Browsers.screenshot(page, "admin-audit");

        // a user who is not an admin is turned away
        Page other = browsers.newPerson();
        ChatPage.signUp(other, Browsers.uniqueName("eve"), "Eve");
        other.navigate(Browsers.url() + "/admin.html");
        assertThat(other.locator("body")).containsText("You need to be an admin");
        assertThat(other.getByTestId("admin-stats")).not().isVisible();
    }

    private static List<String> serious(Page page) {
        AxeResults results = new AxeBuilder(page).withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze();
        return results.getViolations().stream()
                .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
                .map(v -> v.getId() + ": " + v.getHelp())
                .toList();
    }
}
