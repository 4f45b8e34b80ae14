package dev.chat.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two people in two browsers, connected to two different ws-nodes through nginx TLS: one writes,
 * the other sees it live, replies; history survives a reload.
 */
@ExtendWith(Browsers.class)
class WalkingSkeletonIT {

    @Test
    void twoPeopleOnTwoNodesChat(Browsers browsers) {
        String anaName = Browsers.uniqueName("ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, "Ana");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");

        // nginx round-robins sockets over the two nodes; reload until the two land on different ones
        for (int i = 0; i < 10 && ana.wsNode().equals(bob.wsNode()); i++) {
            bob.page.reload();
            bob.awaitConnected();
        }
        assertNotEquals(ana.wsNode(), bob.wsNode(), "the two welcome frames name different ws-nodes");
        assertTrue(ana.wsNode().startsWith("ws-") && bob.wsNode().startsWith("ws-"));

        ana.startChat(bobName);
        ana.send("Hello Bob, from the other node!");
        assertThat(ana.message("Hello Bob").locator(".tick")).not().hasClass(java.util.regex.Pattern.compile(".*sending.*"));

        // Bob sees the chat appear and the message arrive, without reloading
        assertThat(bob.conversation("Ana")).containsText("Hello Bob");
        bob.open("Ana");
        assertThat(bob.message("Hello Bob, from the other node!")).isVisible();
        bob.send("Hi Ana! Loud and clear.");
        assertThat(ana.message("Hi Ana! Loud and clear.")).isVisible();

        Browsers.screenshot(ana.page, "skeleton-ana");
        Browsers.screenshot(bob.page, "skeleton-bob");

        // history is there after a reload
        bob.page.reload();
        bob.awaitConnected();
        bob.open("Ana");
        assertThat(bob.message("Hello Bob, from the other node!")).isVisible();
        assertThat(bob.message("Hi Ana! Loud and clear.")).isVisible();
        assertThat(bob.page.getByTestId("message")).hasCount(2);
    }
}
