package dev.chat.e2e;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A voice call's whole lifecycle as people see it, with Bob signed in on two devices, in one
 * scenario: Ana calls and both of Bob's devices ring; Bob declines on one (Ana: "Call declined";
 * neither rings any more). Ana calls and cancels (Bob's devices stop ringing). Ana calls and nobody
 * answers: after the test stack's ring timeout (10 s, chat.d/settings.sh) Ana reads "No answer",
 * Bob's devices "Missed call". Ana calls and Bob answers on his second device: the first stops
 * ringing ("Answered on another device") and holds no peer connection, audio flows both ways, and
 * Cy, calling Bob meanwhile, is told "Busy". Ana hangs up: both see "Call ended". Every call left
 * its record in the chat, on both sides, the answered one with its duration.
 */
@ExtendWith(Browsers.class)
class CallLifecycleIT {
    /** Before the app loads: every peer connection the page makes is kept in window.__pcs. */
    private static final String TRACK_PEER_CONNECTIONS = """
            (() => {
              const Native = window.RTCPeerConnection;
              window.__pcs = [];
              if (!Native) return;
              window.RTCPeerConnection = class extends Native {
                constructor(...args) { super(...args); window.__pcs.push(this); }
              };
            })()""";

    /** The ended call's screen stays a moment (1.5 s) before it goes. */
    private static final LocatorAssertions.IsHiddenOptions HIDDEN = new LocatorAssertions.IsHiddenOptions().setTimeout(10_000);

    /** Peer connections of this page not closed. */
    private static final String OPEN_PEER_CONNECTIONS = "() => window.__pcs.filter((pc) => pc.signalingState !== 'closed').length";

    /** True once the call's audio received has grown past what it was at the first look (kept on window). */
    private static final String AUDIO_GROWS = """
            async () => {
              const { call } = await import('/js/features/calls.js');
              if (!call || !call.pc) return false;
              let audio = 0;
              (await call.pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') audio = r.bytesReceived; });
              if (!(audio > 0)) return false;
              if (window.__audioBase === undefined) { window.__audioBase = audio; return false; }
              return audio > window.__audioBase;
            }""";

    @Test
    void declineCancelNoAnswerAnsweredElsewhereBusyAndHangUpEachAsPeopleSeeThem(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUp(person(browsers), Browsers.uniqueName("ana"), "Ana");
        ChatPage bob1 = ChatPage.signUp(person(browsers), bobName, "Bob");
        ChatPage bob2 = ChatPage.logIn(person(browsers), bobName);
        ChatPage cy = ChatPage.signUp(person(browsers), Browsers.uniqueName("cy"), "Cy");
        List<ChatPage> bobs = List.of(bob1, bob2);
        for (ChatPage p : List.of(ana, bob1, bob2, cy)) {
            p.watchCallStatus();
        }
        ana.startChat(bobName);

        // declined on one of Bob's devices: the other stops ringing too
        ringBoth(ana, bobs);
        bob1.page.locator("#call-hangup").click();
        waitShown(ana, "Call declined");
        waitShown(bob2, "Call declined");
        stoppedRinging(bobs);
        bob1.open("Ana");
        bob2.open("Ana");
        record(List.of(ana, bob1, bob2), "📞 Declined voice call");

        // cancelled by Ana while it rings
        ringBoth(ana, bobs);
        assertThat(ana.page.locator("#call-hangup")).hasText("Cancel");
        ana.page.locator("#call-hangup").click();
        waitShown(ana, "Call cancelled");
        for (ChatPage bob : bobs) {
            waitShown(bob, "Call cancelled");
        }
        stoppedRinging(bobs);
        record(List.of(ana, bob1, bob2), "📞 Cancelled voice call");

        // nobody answers: missed once the ring timeout has passed
        ringBoth(ana, bobs);
        for (ChatPage bob : bobs) {
            waitShown(bob, "Missed call", 30_000);
        }
        waitShown(ana, "No answer");
        stoppedRinging(bobs);
        record(List.of(ana, bob1, bob2), "📞 Missed voice call");

        // answered on Bob's second device: the first stops ringing and never connects
        ringBoth(ana, bobs);
        bob2.page.locator("#call-accept").click();
        waitShown(bob1, "Answered on another device");
        assertThat(bob1.page.locator("#call")).isHidden(HIDDEN);
        for (ChatPage side : List.of(ana, bob2)) {
            assertThat(side.page.locator("#call[data-phase=active]")).hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(20_000));
            Browsers.waitForAsync(side.page, AUDIO_GROWS, null, 20_000);
        }
        assertEquals(0, ((Number) bob1.page.evaluate(OPEN_PEER_CONNECTIONS)).intValue(), "Bob's first device holds no peer connection");
        assertEquals(1, ((Number) bob2.page.evaluate(OPEN_PEER_CONNECTIONS)).intValue(), "Bob's second device holds the call's");
        assertEquals(1, ((Number) ana.page.evaluate(OPEN_PEER_CONNECTIONS)).intValue(), "Ana's earlier calls' connections are closed");

        // Cy calls Bob, who is in a call: busy, and nothing rings
        cy.startChat(bobName);
        cy.page.locator("#call-voice").click();
        waitShown(cy, "Busy");
        assertThat(cy.message("📞 Missed voice call (busy)")).hasCount(1);
        assertThat(bob1.page.locator("#call")).isHidden(HIDDEN);
        assertThat(bob2.page.locator("#call[data-phase=active]")).hasCount(1);

        // Ana hangs up: over on both sides, with its duration in the record
        ana.page.locator("#call-hangup").click();
        waitShown(bob2, "Call ended");
        for (ChatPage side : List.of(ana, bob2)) {
            assertThat(side.page.locator("#call")).isHidden(HIDDEN);
            assertEquals(0, ((Number) side.page.evaluate(OPEN_PEER_CONNECTIONS)).intValue(), "the call's connection is closed");
        }
        for (ChatPage side : List.of(ana, bob1, bob2)) {
            assertThat(side.page.getByTestId("message").filter(new com.microsoft.playwright.Locator.FilterOptions()
                    .setHasText(Pattern.compile("📞 Voice call · \\d+:\\d\\d")))).hasCount(1);
        }
        for (ChatPage p : List.of(ana, bob1, bob2, cy)) {
            p.page.context().close();
        }
    }

    /** Ana presses the voice call button: both of Bob's devices ring, and Ana hears it ringing. */
    private static void ringBoth(ChatPage ana, List<ChatPage> bobs) {
        ana.page.locator("#call-voice").click();
        for (ChatPage bob : bobs) {
            assertThat(bob.page.locator("#call-status")).hasText("Incoming voice call");
            assertThat(bob.page.locator("#call-peer")).hasText("Ana");
        }
        assertThat(ana.page.locator("#call-status")).hasText("Ringing…");
    }

    /** Neither device rings any more, nor holds a call. */
    private static void stoppedRinging(List<ChatPage> bobs) {
        for (ChatPage bob : bobs) {
            assertThat(bob.page.locator("#call")).isHidden(HIDDEN);
            assertTrue((Boolean) bob.page.evaluate("async () => (await import('/js/features/calls.js')).call === null"),
                    "no call left on " + bob.username + "'s device");
        }
    }

    /** The call's record, once, in the open chat of each. */
    private static void record(List<ChatPage> sides, String text) {
        for (ChatPage side : sides) {
            assertThat(side.message(text)).hasCount(1);
        }
    }

    private static void waitShown(ChatPage p, String text) {
        p.awaitCallStatus(10_000, text);
    }

    private static void waitShown(ChatPage p, String text, double timeoutMs) {
        p.awaitCallStatus(timeoutMs, text);
    }

    /** A new device whose peer connections are tracked. */
    private static Page person(Browsers browsers) {
        Page page = browsers.newPerson();
        page.context().addInitScript(TRACK_PEER_CONNECTIONS);
        return page;
    }
}
