package dev.chat.e2e;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** axe-core (WCAG 2.1 A and AA rules) on every main screen, light and dark: no serious or critical violation. */
@ExtendWith(Browsers.class)
class AccessibilityIT {
    private static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    private static List<String> seriousViolations(Page page, String screen) {
        AxeResults results = new AxeBuilder(page).withTags(TAGS).analyze();
        List<String> found = new ArrayList<>();
        for (Rule v : results.getViolations()) {
            if ("serious".equals(v.getImpact()) || "critical".equals(v.getImpact())) {
                String where = v.getNodes().stream().limit(3).map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", "));
                found.add(screen + ": " + v.getId() + " (" + v.getImpact() + ") " + v.getHelp() + " at " + where);
            }
        }
        return found;
    }

    @Test
    void mainScreensHaveNoSeriousOrCriticalViolations(Browsers browsers) {
        List<String> violations = new ArrayList<>();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            String bobName = Browsers.uniqueName("bob");
            ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
            Page page = browsers.newPerson();
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            page.navigate(Browsers.url());
            assertThat(page.locator("#auth")).isVisible();
            violations.addAll(seriousViolations(page, scheme + " login"));

            ChatPage ana = ChatPage.signUp(page, Browsers.uniqueName("ana"), "Ana");
            violations.addAll(seriousViolations(page, scheme + " empty inbox"));
            ana.startChat(bobName);
            ana.send("Hello @" + bobName + ", how are you?");
            bob.open("Ana");
            bob.send("Fine, thanks!");
            assertThat(ana.message("Fine, thanks!")).isVisible();
            violations.addAll(seriousViolations(page, scheme + " conversation"));

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New group")).click();
            violations.addAll(seriousViolations(page, scheme + " new group dialog"));
            page.locator("#group-create").getByLabel("Group name", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)).fill("A11y");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create group")).click();
            assertThat(page.locator("#peer-name")).hasText("#general");
            violations.addAll(seriousViolations(page, scheme + " channel"));
            page.getByLabel("Chat options").click();
            page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Group settings…")).click();
            assertThat(page.locator("#group-panel")).isVisible();
            violations.addAll(seriousViolations(page, scheme + " group settings"));
            page.keyboard().press("Escape");
            page.getByLabel("Edit profile").click();
            violations.addAll(seriousViolations(page, scheme + " profile dialog"));
            page.keyboard().press("Escape");
        }
        assertEquals(List.of(), violations, String.join("\n", violations));
    }
}
