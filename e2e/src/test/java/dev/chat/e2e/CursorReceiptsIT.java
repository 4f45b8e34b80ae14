package dev.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receipts are cursors that tell the truth. A browser that got message 5 live but never 4 holds
 * nothing past 3 with no gap: it reports delivered and read only up to 3, and after its socket is
 * lost it syncs from 3, so 4 shows without a reload. A burst of messages is reported in a few
 * frames, at most one per conversation per window, not one per message. In a channel, my message
 * turns read only when every other member has read it, live.
 */
@ExtendWith(Browsers.class)
class CursorReceiptsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMessageMissedLiveIsFetchedAfterTheSocketIsLostAndReceiptsNeverPassTheHole(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        Page bobPage = browsers.newPerson();
        // every socket of Bob's page goes through here: his frames are recorded, and while
        // dropFour is set the server's message.created at seq 4 never reaches the page
        AtomicBoolean dropFour = new AtomicBoolean(false);
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger sockets = new AtomicInteger();
        AtomicReference<WebSocketRoute> pageSide = new AtomicReference<>();
        List<JsonNode> bobSent = new CopyOnWriteArrayList<>();
        bobPage.routeWebSocket(Pattern.compile(".*/ws$"), ws -> {
            sockets.incrementAndGet();
            pageSide.set(ws);
            WebSocketRoute server = ws.connectToServer();
            ws.onMessage(frame -> {
                bobSent.add(parse(frame.text()));
                server.send(frame.text());
            });
            server.onMessage(frame -> {
                JsonNode f = parse(frame.text());
                if (dropFour.get() && "message.created".equals(f.path("type").asText()) && f.path("seq").asLong() == 4) {
                    dropped.incrementAndGet();
                    return;
                }
                ws.send(frame.text());
            });
        });
        ChatPage bob = ChatPage.signUp(bobPage, bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        String chat = ana.conversationId();
        for (String text : List.of("one", "two", "three")) {
            ana.send(text);
            assertThat(ana.message(text)).hasAttribute("data-status", Pattern.compile("sent|delivered|read"));
        }
        bob.open("Ana");
        assertThat(bob.messageAt(3)).containsText("three");
        assertThat(ana.message("three")).hasAttribute("data-status", "read");
        bob.page.evaluate("() => { window.__sameDocument = true; }");

        // 4 is lost on the way to Bob's page; 5 arrives
        dropFour.set(true);
        ana.send("four");
        assertThat(ana.message("four")).hasAttribute("data-status", Pattern.compile("sent|delivered|read"));
        ana.send("five");
        assertThat(bob.messageAt(5)).containsText("five");
        assertEquals(1, dropped.get(), "the route dropped message 4");
        assertThat(bob.messageAt(4)).hasCount(0);
        // well past the receipt window: Bob holds nothing past 3 with no gap, so he reports nothing past 3
        bob.page.waitForTimeout(1500);
        assertEquals(3, highestReported(bobSent, chat, "delivered", "read"), "delivered/read never pass the hole: " + bobSent);
        assertEquals("sent", ana.message("four").getAttribute("data-status"));
        assertEquals("sent", ana.message("five").getAttribute("data-status"));
        assertEquals(3, cursorsOf(ana, chat).path("peerDeliveredSeq").asLong(), "the server was told 3, not 5");

        // the socket is lost; the reconnect syncs from 3, so 4 shows, without a reload
        dropFour.set(false);
        pageSide.get().close(new WebSocketRoute.CloseOptions().setCode(4000).setReason("lost"));
        assertThat(bob.messageAt(4)).containsText("four");
        assertTrue(sockets.get() >= 2, "Bob's page opened a new socket");
        assertEquals(true, bob.page.evaluate("() => window.__sameDocument === true"), "no reload");
        assertEquals(List.of("one", "two", "three", "four", "five"), texts(bob), "in seq order, once each");
        // now that nothing is missing, the cursor moves to 5 and the ticks follow
        assertThat(ana.message("five")).hasAttribute("data-status", "read");
        assertThat(ana.message("four")).hasAttribute("data-status", "read");
        assertEquals(5, highestReported(bobSent, chat, "delivered", "read"));
        Browsers.screenshot(bob.page, "cursor-hole-filled-bob");
    }

    @Test
    void inAChannelMyMessageIsReadOnlyWhenEveryOtherMemberHasReadIt(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        String catName = Browsers.uniqueName("cat");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage cat = ChatPage.signUp(browsers.newPerson(), catName, "Cat");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        var created = ana.page.request().post(Browsers.url() + "/api/groups",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"name\":\"Rope team\"}"));
        assertEquals(201, created.status());
        String group = JSON.readTree(created.text()).get("id").asText();
        for (String member : List.of(bobName, catName)) {
            var added = ana.page.request().post(Browsers.url() + "/api/groups/" + group + "/members",
                    RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"username\":\"" + member + "\"}"));
            assertEquals(201, added.status());
        }
        assertThat(bob.conversation("#general")).isVisible();
        assertThat(cat.conversation("#general")).isVisible();
        ana.page.reload();
        ana.awaitConnected();
        ana.open("#general");
        String channel = ana.conversationId();
        ana.watchStatuses("Rope check at nine");
        ana.send("Rope check at nine");
        // both other members' devices received it (neither has the channel open): delivered to all
        assertThat(ana.message("Rope check at nine")).hasAttribute("data-status", "delivered");

        // Bob reads it; Cat has not: not read
        bob.open("#general");
        assertThat(bob.message("Rope check at nine")).isVisible();
        long deadline = System.currentTimeMillis() + 10_000;
        while (cursorsOf(bob, channel).path("readSeq").asLong() < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "Bob's read reaches the server");
            bob.page.waitForTimeout(100);
        }
        ana.page.waitForTimeout(1500); // any event Bob's read caused has long reached Ana
        assertEquals("delivered", ana.message("Rope check at nine").getAttribute("data-status"),
                "one of two readers is not everyone");
        assertEquals(0, cursorsOf(ana, channel).path("peerReadSeq").asLong(), "the server's minimum agrees");

        // Cat reads it too: now read, live
        cat.open("#general");
        assertThat(ana.message("Rope check at nine")).hasAttribute("data-status", "read");
        List<String> statuses = ana.statuses();
        assertEquals(List.of("sending", "sent", "delivered", "read"), statuses,
                "the ticks tell each step, in order, and read only once all have read");
        Browsers.screenshot(ana.page, "channel-read-by-all-ana");
    }

    /** Opens a socket in the page (its cookie), sends n messages in a row, resolves with the number of acks. */
    private static final String SEND_BURST = """
            async ({ chat, n }) => {
              const ws = new WebSocket(`wss://${location.host}/ws`);
              let acks = 0;
              let done;
              const allAcked = new Promise((resolve) => { done = resolve; });
              await new Promise((resolve, reject) => {
                ws.onerror = reject;
                ws.onmessage = (e) => {
                  const f = JSON.parse(e.data);
                  if (f.type === 'welcome') resolve();
                  if (f.type === 'ack' && ++acks === n) done();
                };
              });
              for (let i = 1; i <= n; i++) {
                ws.send(JSON.stringify({ type: 'send', id: 'b' + i, conversation: chat,
                  clientMsgId: 'burst-' + i + '-' + chat.slice(0, 8), text: 'burst ' + i }));
              }
              await Promise.race([allAcked, new Promise((resolve) => setTimeout(resolve, 10000))]);
              ws.close();
              return acks;
            }""";

    @Test
    void aBurstOfMessagesIsReportedDeliveredInAFewFramesNotOneEach(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        Page bobPage = browsers.newPerson();
        // Bob's frames, with when they left his page
        List<long[]> receipts = new CopyOnWriteArrayList<>(); // {nanoTime, seq} of his delivered/read frames
        AtomicReference<String> chat = new AtomicReference<>("");
        bobPage.routeWebSocket(Pattern.compile(".*/ws$"), ws -> {
            WebSocketRoute server = ws.connectToServer();
            ws.onMessage(frame -> {
                JsonNode f = parse(frame.text());
                if (List.of("delivered", "read").contains(f.path("type").asText()) && chat.get().equals(f.path("conversation").asText())) {
                    receipts.add(new long[] {System.nanoTime(), f.path("seq").asLong()});
                }
                server.send(frame.text());
            });
        });
        ChatPage bob = ChatPage.signUp(bobPage, bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        chat.set(ana.conversationId());
        assertThat(bob.conversation("Ana")).isVisible(); // in Bob's inbox, not open: his device delivers, nobody reads

        // Ana sends 30 messages at once over a socket of her own
        int burst = 30;
        Object acks = ana.page.evaluate(SEND_BURST, java.util.Map.of("chat", chat.get(), "n", burst));
        assertEquals(burst, ((Number) acks).intValue(), "every message of the burst was accepted");
        long deadline = System.currentTimeMillis() + 15_000;
        while (receipts.isEmpty() || receipts.get(receipts.size() - 1)[1] < burst) {
            assertTrue(System.currentTimeMillis() < deadline, "Bob's device reports delivered up to " + burst);
            bob.page.waitForTimeout(100);
        }
        assertThat(ana.messageAt(burst)).hasAttribute("data-status", "delivered"); // seq 1..30: the chat had no other message
        bob.page.waitForTimeout(1000); // nothing more is on its way
        assertTrue(receipts.size() <= 10, "a burst of " + burst + " messages costs a few frames, not one each: " + receipts.size());
        for (int i = 1; i < receipts.size(); i++) {
            long gapMillis = (receipts.get(i)[0] - receipts.get(i - 1)[0]) / 1_000_000;
            // the window is 300 ms; the route adds its own jitter to when a frame is seen here
            assertTrue(gapMillis >= 200, "at most one receipt frame per conversation per window, but two came " + gapMillis + " ms apart");
        }
        assertEquals(burst, receipts.get(receipts.size() - 1)[1], "the last one reports the whole burst");
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The highest seq the page reported in frames of these types for this conversation (0: none). */
    private static long highestReported(List<JsonNode> frames, String conversation, String... types) {
        long max = 0;
        for (JsonNode f : frames) {
            if (List.of(types).contains(f.path("type").asText()) && conversation.equals(f.path("conversation").asText())) {
                max = Math.max(max, f.path("seq").asLong());
            }
        }
        return max;
    }

    /** The conversation as this person's REST view shows it (their cursors, and the others' minimum). */
    private static JsonNode cursorsOf(ChatPage who, String conversation) throws Exception {
        var res = who.page.request().get(Browsers.url() + "/api/conversations/" + conversation);
        assertEquals(200, res.status());
        return JSON.readTree(res.text());
    }

    private static List<String> texts(ChatPage who) {
        List<String> out = new ArrayList<>();
        for (String t : who.page.locator("#messages [data-testid=message] .body").allTextContents()) {
            out.add(t.trim());
        }
        return out;
    }
}
