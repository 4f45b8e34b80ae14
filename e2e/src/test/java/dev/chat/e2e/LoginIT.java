package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Sign-up says the password rule under the field before anything is typed; a commonly used
     * password is refused with the server's explanation right under the password field (not at the
     * foot of the form), the field marked invalid; a strong one then signs up.
     */
    @Test
    void signUpSaysThePasswordRuleAndShowsAWeakPasswordBesideTheField(Browsers browsers) {
        Page page = browsers.newPerson();
        page.navigate(Browsers.url());
        Locator rule = page.locator("#password-rule");
        assertThat(rule).isHidden(); // logging in: no rule to tell
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create an account")).click();
        Locator password = page.getByLabel("Password", EXACT);
        assertThat(password).hasValue("");
        assertThat(rule).isVisible();
        assertThat(rule).containsText("not one of the most commonly used passwords");
        assertThat(password).hasAccessibleDescription(Pattern.compile("most commonly used passwords"));

        String name = Browsers.uniqueName("dee");
        page.getByLabel("Username", EXACT).fill(name);
        password.fill("password1");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign up")).click();
        Locator error = page.locator("#password-error");
        assertThat(error).isVisible();
        assertThat(error).containsText("most commonly used");
        Locator announced = page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("most commonly used"));
        assertThat(announced).hasCount(1); // screen readers hear it, from the element under the field
        assertThat(announced).hasAttribute("id", "password-error");
        assertThat(password).hasAttribute("aria-invalid", "true");
        assertThat(page.locator("#auth-error")).isEmpty();
        BoundingBox field = password.boundingBox();
        BoundingBox below = error.boundingBox();
        double gap = below.y - (field.y + field.height);
        assertTrue(gap >= 0 && gap < 24, "the error sits right under the password field: " + gap + " px");
        assertThat(page.locator("#app")).isHidden();
        Browsers.screenshot(page, "signup-weak-password");

        password.fill("violet tractor harbour");
        assertThat(error).isHidden(); // typing again clears it
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign up")).click();
        assertThat(page.locator("body[data-ws-state=open]")).hasCount(1);
    }
}
