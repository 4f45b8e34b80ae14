package dev.chat.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A huddle of three in a channel, with Chromium's fake camera and microphone: Ana starts it from
 * the channel's header, Bob and Cara see the bar with who is in it and join; on every screen the
 * peer connection to each of the two others receives audio and video bytes, growing (each pair, both
 * ways), and the participant list is live (three people; Ana muted; Bob sharing his screen). Then
 * they leave one by one: the lists shrink everywhere and, when the last leaves, the bar is gone.
 */
@ExtendWith(Browsers.class)
class HuddleIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * True once this page has a connection to {@code n} others and each has received audio and video
     * bytes beyond what it had the first time all of them had some (kept on window).
     */
    private static final String MEDIA_GROWS = """
            async (n) => {
              const { mine } = await import('/js/features/huddles.js');
              if (!mine || mine.peers.size !== n) return false;
              const now = {};
              for (const [session, p] of mine.peers) {
                let audio = 0, video = 0;
                (await p.pc.getStats()).forEach((r) => {
                  if (r.type === 'inbound-rtp') { if (r.kind === 'audio') audio += r.bytesReceived; else video += r.bytesReceived; }
                });
                if (audio === 0 || video === 0) return false;
                now[session] = { audio, video };
              }
              const base = window.huddleBase && Object.keys(window.huddleBase).length === n ? window.huddleBase : (window.huddleBase = now);
              return Object.keys(now).every((s) => base[s] && now[s].audio > base[s].audio && now[s].video > base[s].video);
            }""";

    @Test
    void threePeopleJoinSeeEachOtherLiveAndTheHuddleEndsWithTheLast(Browsers browsers) throws Exception {
        String bobName = Browsers.uniqueName("bob");
        String caraName = Browsers.uniqueName("cara");
        ChatPage bob = ChatPage.signUp(person(browsers), bobName, "Bob");
        ChatPage cara = ChatPage.signUp(person(browsers), caraName, "Cara");
        ChatPage ana = ChatPage.signUp(person(browsers), Browsers.uniqueName("ana"), "Ana");
        var created = ana.page.request().post(Browsers.url() + "/api/groups",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"name\":\"Standup\"}"));
        String group = JSON.readTree(created.text()).get("id").asText();
        for (String name : List.of(bobName, caraName)) {
            var added = ana.page.request().post(Browsers.url() + "/api/groups/" + group + "/members",
                    RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"username\":\"" + name + "\"}"));
            assertEquals(201, added.status());
        }
        for (ChatPage p : List.of(ana, bob, cara)) {
            assertThat(p.conversation("#general")).isVisible();
            p.open("#general");
        }
        assertThat(ana.page.locator("#huddle-bar")).isHidden();
        ana.page.locator("#huddle-start").click();
        for (ChatPage p : List.of(bob, cara)) {
            assertThat(p.page.locator("#huddle-summary")).hasText("Huddle · Ana");
        }
        bob.page.locator("#huddle-join").click();
        assertThat(cara.page.locator("#huddle-summary")).hasText("Huddle · Ana, Bob");
        cara.page.locator("#huddle-join").click();
        List<ChatPage> all = List.of(ana, bob, cara);
        for (ChatPage p : all) {
            assertThat(p.page.locator("#huddle-people li")).hasText(names(p, ana, bob, cara));
        }
        for (ChatPage p : all) {
            Browsers.waitForAsync(p.page, MEDIA_GROWS, 2, 45_000);
        }
        Browsers.screenshot(cara.page, "huddle-three");

        ana.page.locator("#huddle-mute").click();
        bob.page.locator("#huddle-screen").click();
        for (ChatPage p : List.of(bob, cara)) {
            assertThat(p.page.locator("#huddle-people li").first()).hasText("Ana · muted");
        }
        for (ChatPage p : List.of(ana, cara)) {
            assertThat(p.page.locator("#huddle-people li").nth(1)).hasText("Bob · sharing screen");
        }

        bob.page.locator("#huddle-leave").click();
        assertThat(bob.page.locator("#huddle")).isHidden();
        assertThat(bob.page.locator("#huddle-summary")).hasText("Huddle · Ana, Cara");
        for (ChatPage p : List.of(ana, cara)) {
            assertThat(p.page.locator("#huddle-people li")).hasCount(2);
            assertThat(p.page.locator("#huddle-tiles video")).hasCount(2);
        }
        cara.page.locator("#huddle-leave").click();
        assertThat(ana.page.locator("#huddle-people li")).hasCount(1);
        ana.page.locator("#huddle-leave").click();
        for (ChatPage p : all) {
            assertThat(p.page.locator("#huddle-bar")).isHidden();
            assertThat(p.page.locator("#huddle")).isHidden();
        }
        for (ChatPage p : all) {
            p.page.context().close();
        }
    }

    /** The list as {@code p} shows it: itself as "You", in the order they joined. */
    private static String[] names(ChatPage p, ChatPage ana, ChatPage bob, ChatPage cara) {
        return new String[] {p == ana ? "You" : "Ana", p == bob ? "You" : "Bob", p == cara ? "You" : "Cara"};
    }

    /** A new person whose browser may use camera and microphone. */
    private static Page person(Browsers browsers) {
        Page page = browsers.newPerson();
        page.context().grantPermissions(List.of("camera", "microphone"),
                new BrowserContext.GrantPermissionsOptions().setOrigin(Browsers.url()));
        return page;
    }
}
