package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A person whose network will not carry WebSockets (docs/PROTOCOL.md, "Without WebSockets"): in
 * Ana's browser every WebSocket to the service is ended before the server is reached (Playwright's
 * WebSocket routing, as a proxy that kills them: the page only sees its sockets close before any
 * frame; Chromium's DevTools request blocking does not apply to WebSockets), so her client falls
 * back to the event stream and posted frames, and says so. Messages, ticks, typing and presence work both ways with
 * Bob on a WebSocket; a message sent while the transport switches back is stored and shown once;
 * and once WebSockets are let through again, her client returns to one by itself.
 */
@ExtendWith(Browsers.class)
class HttpFallbackIT {
    private static final LocatorAssertions.HasCountOptions CONNECT_WAIT = new LocatorAssertions.HasCountOptions().setTimeout(20_000);
    private static final LocatorAssertions.HasCountOptions PROBE_WAIT = new LocatorAssertions.HasCountOptions().setTimeout(45_000);

    @Test
    void fallbackUserChatsWithSocketUserAndReturnsToTheSocket(Browsers browsers) {
        Page anaPage = browsers.newPersonWithoutServiceWorker();
        AtomicBoolean wsBlocked = new AtomicBoolean(true);
        anaPage.routeWebSocket(Pattern.compile(".*/ws$"), ws -> {
            if (wsBlocked.get()) {
                ws.close(); // as a proxy that ends every WebSocket before the server answers
            } else {
                ws.connectToServer();
            }
        });
        List<String> socketFrames = new CopyOnWriteArrayList<>(); // what any of Ana's WebSockets received
        anaPage.onWebSocket(ws -> ws.onFrameReceived(f -> socketFrames.add(f.text())));
        List<String> posted = new CopyOnWriteArrayList<>(); // the frames Ana's client posted
        anaPage.onRequest(r -> {
            if (r.url().endsWith("/events/frames")) {
                posted.add(r.postData());
            }
        });

        String anaName = Browsers.uniqueName("ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUpOnly(anaPage, anaName, "Ana");
        // three WebSockets refused in a row (with backoff between them), then the fallback's welcome
        assertThat(anaPage.locator("body[data-transport=http][data-ws-state=open]")).hasCount(1, CONNECT_WAIT);
        assertThat(anaPage.locator("#connection")).hasText("Connected (HTTP fallback)");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        assertThat(bob.page.locator("body[data-transport=ws]")).hasCount(1);
        assertThat(bob.page.locator("#connection")).isHidden();

        // presence and a message each way, with ticks up to read
        ana.startChat(bobName);
        assertThat(anaPage.locator("#peer-status")).hasText("online");
        ana.send("Hello over HTTP");
        bob.open("Ana");
        assertThat(bob.message("Hello over HTTP")).hasCount(1);
        assertThat(bob.page.locator("#peer-status")).hasText("online");
        assertThat(ana.message("Hello over HTTP")).hasAttribute("data-status", "read");
        bob.send("Hi from the socket");
        assertThat(ana.message("Hi from the socket")).hasCount(1);
        assertThat(bob.message("Hi from the socket")).hasAttribute("data-status", "read");

        // typing, both ways
        typeSome(bob.page);
        assertThat(anaPage.locator("#typing")).hasText("Bob is typing…");
        typeSome(anaPage);
        assertThat(bob.page.locator("#typing")).hasText("Ana is typing…");
        assertEquals(List.of(), socketFrames, "no WebSocket of Ana's carried anything");
        for (String type : List.of("send", "read", "typing")) {
            assertTrue(posted.stream().anyMatch(f -> f.contains("\"type\":\"" + type + "\"")), type + " was posted: " + posted);
        }

        // a send whose post is held on its way while WebSockets come back: the socket takes over,
        // the message goes again over it with the same clientMsgId, and the held post arrives after
        List<Route> held = new ArrayList<>();
        anaPage.route("**/events/frames", route -> {
            String body = route.request().postData();
            if (body != null && body.contains("Sent while switching")) {
                held.add(route);
            } else {
                route.resume();
            }
        });
        ana.send("Sent while switching");
        anaPage.waitForCondition(() -> !held.isEmpty());
        assertThat(ana.message("Sent while switching")).hasAttribute("data-status", "sending");
        wsBlocked.set(false);
        assertThat(anaPage.locator("body[data-transport=ws][data-ws-state=open]")).hasCount(1, PROBE_WAIT);
        assertThat(anaPage.locator("#connection")).isHidden();
        assertThat(bob.message("Sent while switching")).hasCount(1);
        assertThat(ana.message("Sent while switching")).hasAttribute("data-status", "read");
        String seq = bob.message("Sent while switching").getAttribute("data-seq");
        Response late = anaPage.waitForResponse(r -> r.url().endsWith("/events/frames")
                && r.request().postData().contains("Sent while switching"), () -> held.get(0).resume());
        assertEquals(200, late.status());
        assertTrue(late.text().contains("\"type\":\"ack\"") && late.text().contains("\"seq\":" + seq),
                "the held post is answered with the message the socket sent: " + late.text());
        int postsAfterSwitch = posted.size();

        // the socket carries Ana's traffic now: Bob's next message comes over it, her read goes over it
        bob.send("Back on the socket");
        assertThat(ana.message("Back on the socket")).hasCount(1);
        assertThat(bob.message("Back on the socket")).hasAttribute("data-status", "read");
        assertTrue(socketFrames.stream().anyMatch(f -> f.contains("message.created") && f.contains("Back on the socket")),
                "the message came over the WebSocket");
        assertEquals(postsAfterSwitch, posted.size(), "nothing posted since the switch: " + posted);

        // sent once: in each view, and in the history the server keeps
        assertThat(ana.message("Sent while switching")).hasCount(1);
        assertThat(bob.message("Sent while switching")).hasCount(1);
        String history = anaPage.request().get(Browsers.url() + "/api/conversations/" + ana.conversationId() + "/messages?limit=100").text();
        assertEquals(1, count(history, "Sent while switching"), history);
        assertEquals(1, count(history, "Hello over HTTP"), history);
        Browsers.screenshot(anaPage, "fallback-ana");
    }

    private static void typeSome(Page page) {
        page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true))
                .pressSequentially("I am wri", new Locator.PressSequentiallyOptions().setDelay(30));
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
