package dev.chat.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Signing in goes wrong in ways people understand. */
@ExtendWith(Browsers.class)
class LoginIT {
    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);


    @Test
    void wrongPasswordAndTakenUsernameAreExplained(Browsers browsers) {
        String name = Browsers.uniqueName("cyd");
        ChatPage.signUp(browsers.newPerson(), name, "Cyd");

        Page page = browsers.newPerson();
        page.navigate(Browsers.url());
        page.getByLabel("Username", EXACT).fill(name);
        page.getByLabel("Password", EXACT).fill("not the password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("username or password is wrong");
        Browsers.screenshot(page, "login-error");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create an account")).click();
        page.getByLabel("Username", EXACT).fill(name);
        page.getByLabel("Password", EXACT).fill("another password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign up")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("is taken");

        page.getByLabel("Username", EXACT).fill(name);
        page.getByLabel("Password", EXACT).fill("correct horse battery");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in instead")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator("body[data-ws-state=open]")).hasCount(1);
        assertThat(page.locator("#me-name")).hasText("Cyd");
    }
}
