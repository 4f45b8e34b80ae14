package dev.chat.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.ColorScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A video call between two browsers with Chromium's fake camera and microphone: Ana calls from the
 * chat's header, Bob accepts, and the peer connections' statistics show audio and video bytes
 * received growing on both sides; once directly, once forced through coturn (relay candidates
 * only). Directly, Ana also switches her microphone mid-call from the call's device picker and Bob
 * keeps hearing her. Through the relay, the media path is cut (coturn frozen with SIGSTOP): both
 * screens say "Reconnecting…", Ana's side restarts ICE, and once coturn runs again the call is back
 * and media flows again; cut a second time for good, the call ends on both sides within the
 * client's 20 s. Directly, Ana hangs up. Both see the call's record in the chat. The call screen is
 * photographed at 1280 and 390 px wide, light and dark.
 */
@ExtendWith(Browsers.class)
class CallScreenIT {
    /** What a side's peer connection has received so far, and whether its chosen pair runs through the relay. */
    private static final String STATS = """
            async () => {
              const { call } = await import('/js/features/calls.js');
              if (!call || !call.pc) return { audio: -1, video: -1, relay: false };
              const stats = await call.pc.getStats();
              let audio = 0, video = 0, relay = false;
              stats.forEach((r) => {
                if (r.type === 'inbound-rtp') { if (r.kind === 'audio') audio = r.bytesReceived; else video = r.bytesReceived; }
                if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
                  const local = stats.get(r.localCandidateId);
                  if (local && local.candidateType === 'relay') relay = true;
                }
              });
              return { audio, video, relay };
            }""";

    @Test
    void aVideoCallCarriesMediaBothWaysDirectly(Browsers browsers) throws Exception {
        call(browsers, false);
    }

    @Test
    void aVideoCallCarriesMediaBothWaysThroughTheTurnRelay(Browsers browsers) throws Exception {
        call(browsers, true);
    }

    private void call(Browsers browsers, boolean relay) throws Exception {
        String tag = relay ? "relay" : "direct";
        String bobName = Browsers.uniqueName("bob");
        ChatPage ana = ChatPage.signUp(person(browsers, relay), Browsers.uniqueName("ana"), "Ana");
        ChatPage bob = ChatPage.signUp(person(browsers, relay), bobName, "Bob");
        ana.startChat(bobName);
        assertThat(ana.page.locator("#call-video")).isVisible();
        assertThat(ana.page.locator("#call-voice")).isVisible();
        if (!relay) {
            shoot(ana.page, "call-buttons");
        }
        ana.page.locator("#call-video").click();
        assertThat(ana.page.locator("#call-status")).hasText(java.util.regex.Pattern.compile("Calling…|Ringing…"));
        assertThat(bob.page.locator("#call-status")).hasText("Incoming video call");
        assertThat(bob.page.locator("#call-peer")).hasText("Ana");
        if (!relay) {
            shoot(bob.page, "call-incoming");
        }
        bob.page.locator("#call-accept").click();
        for (ChatPage side : List.of(ana, bob)) {
            assertThat(side.page.locator("#call[data-phase=active]")).hasCount(1,
                    new LocatorAssertions.HasCountOptions().setTimeout(20_000));
        }
        Map<?, ?> anaBefore = stats(ana.page);
        Map<?, ?> bobBefore = stats(bob.page);
        Thread.sleep(2_500);
        Map<?, ?> anaAfter = stats(ana.page);
        Map<?, ?> bobAfter = stats(bob.page);
        for (String kind : List.of("audio", "video")) {
            assertTrue(number(anaAfter, kind) > number(anaBefore, kind) && number(anaBefore, kind) >= 0,
                    "Ana receives " + kind + ": " + anaBefore + " → " + anaAfter);
            assertTrue(number(bobAfter, kind) > number(bobBefore, kind) && number(bobBefore, kind) >= 0,
                    "Bob receives " + kind + ": " + bobBefore + " → " + bobAfter);
        }
        assertEquals(relay, anaAfter.get("relay"), "Ana's media " + (relay ? "through" : "not through") + " the relay: " + anaAfter);
        assertEquals(relay, bobAfter.get("relay"), "Bob's media " + (relay ? "through" : "not through") + " the relay: " + bobAfter);
        if (!relay) {
            shoot(ana.page, "call-active");
        }

        if (!relay) {
            switchMicrophone(ana, bob, number(bobAfter, "audio"));
        } else {
            cutAndRestore(ana, bob);
        }
        ana.page.locator("#call-mute").click();
        assertThat(bob.page.locator("#call-status")).containsText("muted");
        if (relay) {
            loseForGood(ana, bob);
        } else {
            ana.page.locator("#call-hangup").click();
            assertThat(bob.page.locator("#call-status")).hasText("Call ended");
        }
        assertThat(bob.page.locator("#call")).isHidden();
        bob.open("Ana");
        assertThat(bob.page.locator("#messages")).containsText("📹 Video call · 0:");
        assertThat(ana.page.locator("#messages")).containsText("📹 Video call · 0:");
        ana.page.context().close();
        bob.page.context().close();
        System.out.println("call " + tag + ": Ana " + anaAfter + ", Bob " + bobAfter);
    }

    /** The device of the microphone track Ana's connection sends, once it is {@code want} and live. */
    private static final String SENDING_MIC = """
            async (want) => {
              const { call } = await import('/js/features/calls.js');
              const s = call && call.pc && call.pc.getSenders().find((x) => x.track && x.track.kind === 'audio');
              return !!s && s.track.readyState === 'live' && s.track.getSettings().deviceId === want;
            }""";

    /** Bob's audio received beyond {@code bytes}. */
    private static final String BOB_HEARS_MORE = "async (bytes) => (await (" + STATS + ")()).audio > bytes";

    /**
     * Ana picks another microphone in the call's device picker: her connection now sends that
     * device's track (replaceTrack, no new offer) and Bob keeps receiving her audio.
     */
    private static void switchMicrophone(ChatPage ana, ChatPage bob, double bobHeard) {
        var mic = ana.page.locator("#call-mic");
        assertThat(mic).isVisible();
        assertThat(ana.page.locator("#call-cam")).isVisible();
        int count = mic.locator("option").count();
        assertTrue(count >= 2, "Chromium's fake devices give more than one microphone: " + count);
        String other = mic.locator("option:not(:checked)").first().getAttribute("value");
        mic.selectOption(other);
        Browsers.waitForAsync(ana.page, SENDING_MIC, other, 15_000);
        Browsers.waitForAsync(bob.page, BOB_HEARS_MORE, bobHeard, 15_000);
        assertEquals(other, mic.inputValue(), "the picker shows the microphone in use");
    }

    /** The caller's ICE restarts so far and the ICE username fragment of the peer's description it holds. */
    private static final String ICE = """
            async () => {
              const { call } = await import('/js/features/calls.js');
              const sdp = call && call.pc && call.pc.remoteDescription ? call.pc.remoteDescription.sdp : '';
              return { restarts: call ? call.restarts || 0 : -1, ufrag: (sdp.match(/a=ice-ufrag:(\\S+)/) || [null, ''])[1] };
            }""";

    /** True once this side's audio and video received are both past {@code base}. */
    private static final String RECEIVES_MORE = "async (base) => { const s = await (" + STATS + ")(); "
            + "return s.audio > base.audio && s.video > base.video; }";

    /**
     * The media path is cut: coturn, which relays both sides, is frozen (SIGSTOP; the test stack's
     * own process). Both screens say "Reconnecting…" and Ana's side restarts ICE (a new offer,
     * answered over the socket, which still works: new ICE credentials); once coturn runs again
     * (SIGCONT) the call is back on both sides and audio and video flow again.
     */
    private static void cutAndRestore(ChatPage ana, ChatPage bob) throws Exception {
        String ufrag = (String) ((Map<?, ?>) ana.page.evaluate(ICE)).get("ufrag");
        assertTrue(!ufrag.isEmpty(), "Ana holds Bob's ICE credentials");
        long coturn = pid("coturn");
        signal("STOP", coturn);
        long cut = System.nanoTime();
        try {
            for (ChatPage side : List.of(ana, bob)) {
                assertThat(side.page.locator("#call-status")).hasText("Reconnecting…", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            }
            Browsers.waitForAsync(ana.page, "async () => (await (" + ICE + ")()).restarts > 0", null, 15_000);
        } finally {
            signal("CONT", coturn);
        }
        long restored = System.nanoTime();
        for (ChatPage side : List.of(ana, bob)) {
            assertThat(side.page.locator("#call[data-phase=active]")).hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(30_000));
        }
        Map<?, ?> after = (Map<?, ?>) ana.page.evaluate(ICE);
        assertTrue(!ufrag.equals(after.get("ufrag")), "ICE restarted: Bob answered with new credentials " + ufrag + " → " + after);
        for (ChatPage side : List.of(ana, bob)) {
            Browsers.waitForAsync(side.page, RECEIVES_MORE, stats(side.page), 20_000);
        }
        System.out.printf("relay cut: Reconnecting… and a restart within %d ms; the call back %d ms after the relay (%s restarts)%n",
                (restored - cut) / 1_000_000, (System.nanoTime() - restored) / 1_000_000, after.get("restarts"));
    }

    /**
     * The media path is cut for good: both screens say "Reconnecting…", and within the 20 s the
     * client gives a lost call both end it ("Connection lost" on the side that gave up first, "Call
     * ended" on the other, told by the server); the record is then in the chat as for a hang-up.
     */
    private static void loseForGood(ChatPage ana, ChatPage bob) throws Exception {
        ana.watchCallStatus();
        bob.watchCallStatus();
        long coturn = pid("coturn");
        signal("STOP", coturn);
        try {
            for (ChatPage side : List.of(ana, bob)) {
                assertThat(side.page.locator("#call-status")).hasText("Reconnecting…", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            }
            long reconnecting = System.nanoTime();
            for (ChatPage side : List.of(ana, bob)) {
                side.awaitCallStatus(30_000, "Connection lost", "Call ended");
                assertTrue((Boolean) side.page.evaluate("async () => (await import('/js/features/calls.js')).call === null"),
                        "no call left on " + side.username + "'s screen");
            }
            System.out.printf("relay lost for good: both ended %d ms after both said Reconnecting…%n",
                    (System.nanoTime() - reconnecting) / 1_000_000);
        } finally {
            signal("CONT", coturn);
        }
    }

    private static long pid(String name) throws java.io.IOException {
        String dir = System.getProperty("chat.e2e.pids");
        assertTrue(dir != null && !dir.isBlank(), "chat.e2e.pids is not set: run with ./chat test");
        return Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of(dir, name + ".pid")).strip());
    }

    private static void signal(String sig, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor(), "kill -" + sig + " " + pid);
    }

    /** A new person whose browser may use camera and microphone, forced to the TURN relay if asked. */
    private static Page person(Browsers browsers, boolean relay) {
        Page page = browsers.newPerson();
        page.context().grantPermissions(List.of("camera", "microphone"),
                new BrowserContext.GrantPermissionsOptions().setOrigin(Browsers.url()));
        if (relay) {
            page.context().addInitScript("localStorage.setItem('chat.calls.relay', '1')");
        }
        return page;
    }

    private static Map<?, ?> stats(Page page) {
        return (Map<?, ?>) page.evaluate(STATS);
    }

    private static double number(Map<?, ?> stats, String key) {
        return ((Number) stats.get(key)).doubleValue();
    }

    /** The call screen at 1280 and 390 px wide, light and dark. */
    private static void shoot(Page page, String name) {
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            for (int width : new int[] {1280, 390}) {
                page.setViewportSize(width, width == 390 ? 844 : 800);
                Browsers.screenshot(page, name + "-" + width + "-" + scheme.name().toLowerCase());
            }
        }
        page.setViewportSize(1280, 800);
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
    }
}
