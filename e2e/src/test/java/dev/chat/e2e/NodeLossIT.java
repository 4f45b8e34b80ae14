package dev.chat.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ws-node dies ({@code kill -9}) in the middle of a conversation: the browsers on it reconnect
 * through nginx to the other node by themselves, what was typed meanwhile is sent once, and both
 * sides end with every message exactly once, in order. The node is started again afterwards, so
 * the rest of the suite keeps two nodes.
 */
@ExtendWith(Browsers.class)
class NodeLossIT {
    private static final Pattern ACCEPTED = Pattern.compile("sent|delivered|read");

    @Test
    void aKilledNodeLosesNothingAndDoublesNothing(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("before the crash");
        bob.open("Ana");
        assertThat(bob.message("before the crash")).isVisible();

        String victim = ana.wsNode();
        long pid = pidOf(victim);
        System.out.printf("killing %s (pid %d); ana is on %s, bob on %s%n", victim, pid, victim, bob.wsNode());
        long killedAt = System.nanoTime();
        try {
            new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();

            // typed right after the crash, before or while the socket notices: queued, then sent once
            List<String> anaSays = List.of("during one", "during two", "during three");
            anaSays.forEach(ana::send);
            bob.send("bob answers");

            assertThat(ana.page.locator("body[data-ws-state=open]")).hasCount(1);
            assertNotEquals(victim, ana.wsNode(), "ana reconnected to the other node");
            System.out.printf("ana back on %s after %d ms%n", ana.wsNode(), (System.nanoTime() - killedAt) / 1_000_000);
            for (String text : anaSays) {
                assertThat(ana.message(text)).hasAttribute("data-status", ACCEPTED);
            }
            assertThat(ana.message("bob answers")).isVisible();
            assertThat(bob.message("during three")).isVisible();
            ana.send("after the crash");
            assertThat(bob.message("after the crash")).isVisible();

            List<String> expected = List.of("before the crash", "during one", "during two", "during three",
                    "after the crash");
            assertEquals(expected, texts(bob, "bob answers"), "bob holds ana's messages once each, in order");
            assertEquals(expected, texts(ana, "bob answers"), "ana holds them once each, in order");
            assertEquals(1, ana.message("bob answers").count(), "bob's message reached ana once");

            // and the server holds exactly these six
            bob.page.reload();
            bob.awaitConnected();
            bob.open("Ana");
            assertThat(bob.message("after the crash")).isVisible();
            assertEquals(6, bob.page.getByTestId("message").count());
            Browsers.screenshot(ana.page, "node-loss-ana");
        } finally {
            restart(victim);
        }
    }

    /** Message texts in screen order (time and ticks cut off), without the one named. */
    private static List<String> texts(ChatPage chat, String without) {
        List<String> out = new ArrayList<>();
        for (String t : chat.page.getByTestId("message").locator(".body").allTextContents()) {
            if (!t.equals(without)) {
                out.add(t);
            }
        }
        return out;
    }

    private static long pidOf(String node) throws IOException {
        String dir = System.getProperty("chat.e2e.pids");
        assertTrue(dir != null && !dir.isBlank(), "chat.e2e.pids is not set: run with ./chat test");
        return Long.parseLong(Files.readString(Path.of(dir, node + ".pid")).trim());
    }

    private static void restart(String node) throws IOException, InterruptedException {
        String chat = System.getProperty("chat.e2e.chat");
        Process p = new ProcessBuilder(chat, "restart", node, "test").inheritIO().start();
        assertEquals(0, p.waitFor(), "restarting " + node);
    }
}
