package dev.chat.e2e;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rich messages between two browsers: an image shown as the server's thumbnail and opened full
 * size; a file with its name, size and an authorised download link; an upload that loses the
 * network half way and resumes after a reload without sending again what the server holds; a
 * voice message recorded with the (fake) microphone, reviewed with its waveform, sent and played;
 * reactions live, toggled and caught up after being offline; a reaction made offline, kept across
 * a reload and sent when back (or undone when refused); a reply whose quote leads to an original
 * that is not loaded yet; a picture pasted and a sound and a video dropped, shown and played.
 */
@ExtendWith(Browsers.class)
class RichMessagesIT {
    private static final Pattern SENT = Pattern.compile("sent|delivered|read");

    @Test
    void anImageShowsAsAThumbnailAndOpensFullSizeAndAFileDownloadsOnlyForMembers(Browsers browsers) throws IOException {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("A picture is coming");
        bob.open("Ana");
        assertThat(bob.message("A picture is coming")).isVisible();

        Path picture = picture("sunset.png", 640, 480);
        ana.attach(picture);
        assertThat(ana.page.getByTestId("staged")).containsText("sunset.png");
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).fill("The view from here");
        Browsers.screenshot(ana.page, "rich-image-staged");
        ana.pressSend();
        assertThat(ana.page.getByTestId("staged")).isHidden();
        assertThat(ana.message("The view from here")).hasAttribute("data-status", SENT);

        // Bob sees the server's thumbnail inline, a real picture
        Locator thumbnail = bob.message("The view from here").getByTestId("attachment-image");
        assertThat(thumbnail).isVisible();
        assertThat(thumbnail).hasAttribute("src", Pattern.compile("^/api/attachments/[0-9a-f-]+/thumbnail$"));
        bob.page.waitForFunction("img => img.complete && img.naturalWidth > 0", thumbnail.elementHandle());
        int thumbWidth = ((Number) thumbnail.evaluate("img => img.naturalWidth")).intValue();
        assertTrue(thumbWidth > 0 && thumbWidth <= 320, "a thumbnail at most 320 px wide, got " + thumbWidth);
        // the bubble keeps the picture's proportions (4:3)
        double ratio = ((Number) thumbnail.evaluate("img => img.getBoundingClientRect().width / img.getBoundingClientRect().height")).doubleValue();
        assertEquals(4.0 / 3.0, ratio, 0.05, "the thumbnail keeps the picture's proportions");
        Browsers.screenshot(bob.page, "rich-image-thumbnail-bob");

        // and opens the full picture in the viewer
        thumbnail.click();
        Locator viewer = bob.page.getByTestId("viewer");
        assertThat(viewer).isVisible();
        assertThat(bob.page.locator("#viewer-title")).hasText("sunset.png");
        Locator full = bob.page.getByTestId("viewer-image");
        assertThat(full).hasAttribute("src", Pattern.compile("/api/attachments/[0-9a-f-]+/content$"));
        bob.page.waitForFunction("img => img.complete && img.naturalWidth === 640 && img.naturalHeight === 480", full.elementHandle());
        Browsers.screenshot(bob.page, "rich-image-viewer-bob");
        List<String> violations = new ArrayList<>(seriousViolations(bob.page, "image viewer"));
        bob.page.keyboard().press("Escape");
        assertThat(viewer).isHidden();

        // a file that is not a picture: its name, type and size, and a link that downloads it
        String notes = "Shopping list\n".repeat(100) + "x".repeat(100); // 1500 bytes
        Path file = Files.writeString(tempDir().resolve("notes.txt"), notes, StandardCharsets.UTF_8);
        ana.attach(file);
        ana.pressSend();
        Locator card = bob.page.getByTestId("attachment-file").filter(new Locator.FilterOptions().setHasText("notes.txt"));
        assertThat(card).isVisible();
        assertThat(card.getByTestId("attachment-size")).hasText("Text · 1.5 KB");
        assertThat(card).hasAttribute("href", Pattern.compile("^/api/attachments/[0-9a-f-]+/content\\?download=1$"));
        assertThat(bob.conversation("Ana")).containsText("notes.txt");
        Browsers.screenshot(bob.page, "rich-file-bob");
        violations.addAll(seriousViolations(bob.page, "image and file"));
        violations.addAll(seriousViolations(ana.page, "image and file, sender"));
        assertEquals(List.of(), violations, String.join("\n", violations));
        Download download = bob.page.waitForDownload(card::click);
        assertEquals("notes.txt", download.suggestedFilename());
        assertEquals(notes, Files.readString(download.path(), StandardCharsets.UTF_8));

        // the links are authorised: someone outside the chat gets nothing
        String href = card.getAttribute("href");
        String thumbSrc = thumbnail.getAttribute("src");
        ChatPage carol = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("carol"), "Carol");
        assertEquals(404, carol.page.request().get(Browsers.url() + href).status(), "a stranger cannot download the file");
        assertEquals(404, carol.page.request().get(Browsers.url() + thumbSrc).status(), "nor see the thumbnail");
        assertEquals(200, bob.page.request().get(Browsers.url() + href).status(), "the member can");

        // a file whose bytes are not what its name says is refused: Ana is told, Bob gets nothing
        Path fake = Files.writeString(tempDir().resolve("holiday.png"), "not a picture at all", StandardCharsets.UTF_8);
        ana.attach(fake);
        ana.pressSend();
        Locator refused = ana.message("holiday.png");
        assertThat(refused).hasAttribute("data-status", "failed");
        assertThat(refused).containsText("Not sent");
        Browsers.screenshot(ana.page, "rich-file-refused-ana");
        refused.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Discard message")).click();
        assertThat(refused).hasCount(0);
        assertThat(bob.page.getByTestId("message")).hasCount(3);

        // Bob's phone: the picture and the file fit the narrow screen, the viewer fills it
        Page phone = browsers.newPerson(360, 740);
        ChatPage bobPhone = ChatPage.logIn(phone, bobName);
        bobPhone.open("Ana");
        Locator phoneThumb = bobPhone.message("The view from here").getByTestId("attachment-image");
        assertThat(phoneThumb).isVisible();
        phone.waitForFunction("img => img.complete && img.naturalWidth > 0", phoneThumb.elementHandle());
        assertThat(bobPhone.message("notes.txt").getByTestId("attachment-file")).isVisible();
        assertNoHorizontalOverflow(phone);
        Browsers.screenshot(phone, "rich-image-phone-bob");
        phoneThumb.click();
        phone.waitForFunction("img => img.complete && img.naturalWidth === 640", phone.getByTestId("viewer-image").elementHandle());
        double shown = ((Number) phone.getByTestId("viewer-image").evaluate("img => img.getBoundingClientRect().width")).doubleValue();
        assertTrue(shown <= 360 && shown > 300, "the picture fits the phone's width: " + shown);
        Browsers.screenshot(phone, "rich-image-viewer-phone-bob");
        phone.getByLabel("Close image").click();
        assertThat(phone.getByTestId("viewer")).isHidden();
    }

    @Test
    void anUploadThatLosesTheNetworkResumesAfterAReloadWithoutResendingWhatTheServerHolds(Browsers browsers) throws IOException {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("A big file is coming");
        assertThat(ana.message("A big file is coming")).hasAttribute("data-status", SENT);
        bob.open("Ana");
        // the app shell must be in the service worker's hands to reload without a network
        ana.reloadUnderServiceWorker();
        ana.open("Bob");

        byte[] bytes = new byte[1_300_000]; // three chunks of 512 KiB at most
        new Random(9).nextBytes(bytes);
        Path file = tempDir().resolve("measurements.bin");
        Files.write(file, bytes);

        List<String> chunkPuts = new CopyOnWriteArrayList<>();
        List<String> resumes = new CopyOnWriteArrayList<>();
        ana.page.context().onRequest((Request r) -> {
            String path = r.url().replaceFirst("^https?://[^/]+", "");
            if (r.method().equals("PUT") && path.matches("/api/attachments/[^/]+/chunks/\\d+")) chunkPuts.add(path.replaceFirst(".*/chunks/", ""));
            if (r.method().equals("GET") && path.matches("/api/attachments/[^/]+")) resumes.add(path);
        });
        // the network drops while the second chunk is on its way
        ana.page.route("**/api/attachments/*/chunks/1", route -> route.abort("internetdisconnected"));
        ana.attach(file);
        ana.pressSend();
        Locator pending = ana.message("measurements.bin");
        assertThat(pending).hasAttribute("data-status", "sending");
        assertThat(pending.getByTestId("upload-progress")).isVisible();
        ana.page.waitForCondition(() -> chunkPuts.contains("1"));
        assertThat(pending.getByTestId("upload-progress")).hasAttribute("value", Pattern.compile("^[4-9]\\d$"));
        Browsers.screenshot(ana.page, "rich-upload-interrupted");
        ana.page.context().setOffline(true);
        ana.page.unrouteAll();

        // reloaded without a network: the message and its file are still queued on the device
        ana.page.reload();
        assertThat(ana.conversation("Bob")).isVisible();
        ana.open("Bob");
        assertThat(ana.message("measurements.bin")).hasAttribute("data-status", "sending");
        assertThat(bob.message("measurements.bin")).hasCount(0);

        // back online: the upload resumes where the server stopped, and the message goes once
        ana.page.context().setOffline(false);
        assertThat(ana.message("measurements.bin")).hasAttribute("data-status", SENT,
                new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        Locator card = bob.page.getByTestId("attachment-file").filter(new Locator.FilterOptions().setHasText("measurements.bin"));
        assertThat(card).isVisible();
        assertThat(card.getByTestId("attachment-size")).hasText(Pattern.compile("1\\.2 MB"));
        assertEquals(1, chunkPuts.stream().filter("0"::equals).count(), "the first chunk was stored once and not sent again: " + chunkPuts);
        assertTrue(chunkPuts.contains("2"), "the rest was sent: " + chunkPuts);
        assertTrue(!resumes.isEmpty(), "the reloaded page asked the server what it holds");
        byte[] received = bob.page.request().get(Browsers.url() + card.getAttribute("href")).body();
        assertArrayEquals(bytes, received, "Bob downloads exactly the bytes Ana picked");
        assertThat(bob.page.getByTestId("attachment-file")).hasCount(1);
        Browsers.screenshot(ana.page, "rich-upload-resumed");
    }

    @Test
    void aPastedPictureADroppedSoundAndADroppedVideoShowAndPlayOnTheOtherSide(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("Media coming");
        bob.open("Ana");
        assertThat(bob.message("Media coming")).isVisible();

        // a WebP screenshot pasted into the message field (the browser's own encoder made it)
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).evaluate("""
                async (field) => {
                  const c = document.createElement('canvas');
                  c.width = 400; c.height = 300;
                  const g = c.getContext('2d');
                  g.fillStyle = '#1d6fd8'; g.fillRect(0, 0, 400, 300);
                  g.fillStyle = '#ffb020'; g.fillRect(40, 40, 160, 120);
                  const blob = await new Promise((done) => c.toBlob(done, 'image/webp', 0.85));
                  const data = new DataTransfer();
                  data.items.add(new File([blob], 'screenshot.webp', { type: 'image/webp' }));
                  field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
                }""");
        assertThat(ana.page.getByTestId("staged")).containsText("screenshot.webp");
        ana.page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true)).fill("Pasted from the clipboard");
        ana.pressSend();
        Locator pasted = bob.message("Pasted from the clipboard").getByTestId("attachment-image");
        assertThat(pasted).hasAttribute("src", Pattern.compile("^/api/attachments/[0-9a-f-]+/thumbnail$"));
        bob.page.waitForFunction("img => img.complete && img.naturalWidth === 320 && img.naturalHeight === 240", pasted.elementHandle());

        // a sound dropped on the conversation: a player that knows its length and plays
        drop(ana.page, "tone.wav", "audio/wav", tone(1.5));
        assertThat(ana.page.getByTestId("staged")).containsText("tone.wav");
        ana.pressSend();
        Locator sound = bob.message("tone.wav").locator("audio");
        assertThat(sound).hasAttribute("src", Pattern.compile("^/api/attachments/[0-9a-f-]+/content$"));
        bob.page.waitForFunction("a => a.readyState >= 1 && Math.abs(a.duration - 1.5) < 0.05", sound.elementHandle());
        assertThat(bob.message("tone.wav").getByTestId("attachment-size")).hasText(Pattern.compile("^WAV audio · \\d+(\\.\\d)? KB$"));
        sound.evaluate("a => { a.muted = true; return a.play(); }");
        bob.page.waitForFunction("a => a.currentTime > 0.3", sound.elementHandle());

        // a video dropped on the conversation, recorded in the browser from a moving picture
        String clip = (String) ana.page.evaluate("""
                async () => {
                  const c = document.createElement('canvas');
                  c.width = 160; c.height = 120;
                  const g = c.getContext('2d');
                  let frame = 0;
                  const draw = () => { g.fillStyle = '#222'; g.fillRect(0, 0, 160, 120);
                                       g.fillStyle = '#3c3'; g.fillRect((frame++ * 6) % 160, 40, 30, 30); };
                  draw();
                  const timer = setInterval(draw, 40);
                  const recorder = new MediaRecorder(c.captureStream(25), { mimeType: 'video/webm' });
                  const parts = [];
                  recorder.ondataavailable = (e) => parts.push(e.data);
                  const stopped = new Promise((done) => { recorder.onstop = done; });
                  recorder.start(200);
                  await new Promise((done) => setTimeout(done, 1200));
                  recorder.stop();
                  await stopped;
                  clearInterval(timer);
                  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
                  let text = '';
                  for (const b of bytes) text += String.fromCharCode(b);
                  return btoa(text);
                }""");
        drop(ana.page, "clip.webm", "video/webm", java.util.Base64.getDecoder().decode(clip));
        assertThat(ana.page.getByTestId("staged")).containsText("clip.webm");
        ana.pressSend();
        Locator video = bob.message("clip.webm").locator("video");
        assertThat(video).hasAttribute("src", Pattern.compile("^/api/attachments/[0-9a-f-]+/content$"));
        bob.page.waitForFunction("v => v.readyState >= 1 && v.videoWidth === 160 && v.videoHeight === 120", video.elementHandle());
        video.evaluate("v => { v.muted = true; return v.play(); }");
        bob.page.waitForFunction("v => v.currentTime > 0.3", video.elementHandle());
        video.evaluate("v => v.pause()");
        Browsers.screenshot(bob.page, "rich-media-bob");
        List<String> violations = seriousViolations(bob.page, "pasted picture, sound and video");
        assertEquals(List.of(), violations, String.join("\n", violations));
        assertThat(ana.page.getByTestId("message")).hasCount(4);
        assertThat(bob.page.getByTestId("message")).hasCount(4);
    }

    @Test
    void aVoiceMessageIsRecordedReviewedSentAndPlayedOnAPhone(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        Page phone = browsers.newPerson(360, 740);
        phone.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
        ChatPage bob = ChatPage.signUp(phone, bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("Listen to this");
        bob.open("Ana");
        assertThat(bob.message("Listen to this")).isVisible();

        ana.page.getByLabel("Record a voice message").click();
        Locator recorder = ana.page.getByTestId("recorder");
        assertThat(recorder).isVisible();
        assertThat(ana.page.locator("#rec-time")).hasText("0:02", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(5_000));
        Browsers.screenshot(ana.page, "rich-voice-recording");
        ana.page.waitForTimeout(1_200);
        ana.page.getByLabel("Stop recording").click();

        // the review: the recording's waveform, its length, play, discard or send
        Locator preview = recorder.getByTestId("voice");
        assertThat(preview).isVisible();
        assertTrue(preview.locator(".bar").count() >= 32, "a waveform of the recording");
        assertTrue(distinctHeights(preview) > 3, "the waveform has a shape, not a flat line");
        assertThat(preview.locator(".voice-time")).hasText(Pattern.compile("0:0[2-4]"));
        Browsers.screenshot(ana.page, "rich-voice-review");
        List<String> violations = new ArrayList<>(seriousViolations(ana.page, "voice review"));
        ana.page.getByLabel("Send voice message").click();
        assertThat(recorder).isHidden();

        // Bob, on his phone, sees the voice message with its waveform and plays it
        Locator voice = bob.page.locator("#messages").getByTestId("voice");
        assertThat(voice).isVisible();
        assertTrue(voice.locator(".bar").count() >= 32, "the waveform sent with the recording");
        assertTrue(distinctHeights(voice) > 3, "the same shape on the other side");
        assertThat(voice.locator(".voice-time")).hasText(Pattern.compile("0:0[2-4]"));
        assertNoHorizontalOverflow(phone);
        Browsers.screenshot(phone, "rich-voice-phone-bob");
        voice.getByLabel("Play voice message").click();
        phone.waitForFunction("() => document.querySelector('#messages [data-testid=voice] audio').currentTime > 0.5");
        phone.waitForFunction("() => document.querySelectorAll('#messages [data-testid=voice] .bar.played').length > 0");
        assertThat(voice.getByTestId("voice-progress")).not().hasAttribute("aria-valuenow", "0");
        Browsers.screenshot(phone, "rich-voice-playing-bob");
        violations.addAll(seriousViolations(phone, "voice message on a phone"));
        assertEquals(List.of(), violations, String.join("\n", violations));
        assertThat(ana.page.locator("#messages").getByTestId("voice")).isVisible();
        Browsers.screenshot(ana.page, "rich-voice-sent-ana");
        phone.getByLabel("Back to chats").click();
        assertThat(bob.conversation("Ana")).containsText("Voice message");
    }

    @Test
    void reactionsAreLiveToggledAndCaughtUpAndAQuoteLeadsToAnOriginalNotLoadedYet(Browsers browsers) {
        String anaName = Browsers.uniqueName("ana");
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), anaName, "Ana");
        ana.startChat(bobName);
        ana.send("The original question");
        bob.open("Ana");
        Locator originalForBob = bob.messageAt(1);
        Locator originalForAna = ana.messageAt(1);
        assertThat(originalForBob).containsText("The original question");

        // Bob reacts with a common emoji: Ana sees it at once, with his name on it
        bob.react(originalForBob, "👍");
        Locator thumbsForAna = originalForAna.locator("[data-testid=reaction][data-emoji='👍']");
        assertThat(thumbsForAna).containsText("1");
        assertThat(thumbsForAna).hasAttribute("title", "Bob");
        assertThat(thumbsForAna).hasAttribute("aria-pressed", "false");

        // any emoji through the field; something that is not one emoji is refused
        originalForBob.hover();
        originalForBob.getByLabel("Add reaction", new Locator.GetByLabelOptions().setExact(true)).click();
        Locator picker = bob.page.getByTestId("reaction-picker");
        assertThat(picker).isVisible();
        Browsers.screenshot(bob.page, "rich-reaction-picker");
        List<String> violations = new ArrayList<>(seriousViolations(bob.page, "reaction picker"));
        picker.getByTestId("emoji-input").fill("ok");
        picker.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add")).click();
        assertThat(picker).containsText("Enter one emoji.");
        picker.getByTestId("emoji-input").fill("🦄");
        picker.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add")).click();
        assertThat(picker).isHidden();
        assertThat(originalForAna.locator("[data-testid=reaction][data-emoji='🦄']")).containsText("1");

        // Ana adds hers to 👍: two, both names; she toggles it off again: one
        thumbsForAna.click();
        Locator thumbsForBob = originalForBob.locator("[data-testid=reaction][data-emoji='👍']");
        assertThat(thumbsForBob).containsText("2");
        assertThat(thumbsForBob).hasAttribute("title", Pattern.compile("Ana"));
        assertThat(thumbsForBob).hasAttribute("aria-pressed", "true");
        assertThat(thumbsForAna).hasAttribute("aria-pressed", "true");
        Browsers.screenshot(ana.page, "rich-reactions-ana");
        thumbsForAna.click();
        assertThat(thumbsForBob).containsText("1");
        assertThat(thumbsForBob).hasAttribute("title", "You");
        // Bob takes his back: the chip goes on both sides
        thumbsForBob.click();
        assertThat(thumbsForAna).hasCount(0);
        assertThat(thumbsForBob).hasCount(0);

        // Bob is offline while Ana reacts: he catches up when he is back, without reloading
        bob.page.context().setOffline(true);
        assertThat(bob.page.locator("#connection")).containsText("Offline");
        ana.react(originalForAna, "🎉");
        assertThat(originalForAna.locator("[data-testid=reaction][data-emoji='🎉']")).containsText("1");
        // shown at once; the server has it once it is no longer waiting
        assertThat(originalForAna.locator("[data-testid=reaction][data-emoji='🎉']")).not().hasAttribute("data-waiting", "true");
        Request changes = bob.page.waitForRequest(Pattern.compile(".*/api/conversations/[^/]+/changes\\?since=\\d+.*"),
                () -> bob.page.context().setOffline(false));
        assertTrue(changes.url().contains("since="), changes.url());
        assertThat(originalForBob.locator("[data-testid=reaction][data-emoji='🎉']")).containsText("1");
        assertThat(originalForBob.locator("[data-testid=reaction][data-emoji='🦄']")).containsText("1");

        // a long chat later, Bob replies to the original
        String conversation = ana.conversationId();
        for (int i = 1; i <= 70; i++) {
            var res = ana.page.request().post(Browsers.url() + "/api/conversations/" + conversation + "/messages",
                    RequestOptions.create().setData(Map.of("clientMsgId", "filler-" + i, "text", "filler " + i)));
            assertTrue(res.ok(), "send " + i + ": " + res.status() + " " + res.text());
        }
        assertThat(bob.message("filler 70")).isVisible();
        bob.reply(originalForBob, "My answer, much later");
        Locator reply = ana.message("My answer, much later");
        assertThat(reply.getByTestId("quote")).containsText("The original question");
        assertThat(reply.getByTestId("quote")).containsText("You"); // Ana wrote the original
        assertTrue((Boolean) reply.evaluate("m => m.querySelector('[data-testid=quote]').getBoundingClientRect().bottom"
                + " <= m.querySelector('.body').getBoundingClientRect().top + 1"), "the quote is above the reply");
        Browsers.screenshot(ana.page, "rich-reply-ana");
        violations.addAll(seriousViolations(ana.page, "reply and reactions"));

        // Ana on a new device: only the newest page is loaded; the quote fetches and shows the original
        ChatPage anaAgain = ChatPage.logIn(browsers.newPerson(), anaName);
        anaAgain.open("Bob");
        Locator replyAgain = anaAgain.message("My answer, much later");
        assertThat(replyAgain).isVisible();
        assertThat(anaAgain.messageAt(1)).hasCount(0);
        replyAgain.getByTestId("quote").click();
        Locator original = anaAgain.messageAt(1);
        assertThat(original).isVisible();
        assertThat(original).containsText("The original question");
        assertThat(original).hasClass(Pattern.compile("\\bhighlight\\b"));
        assertTrue(onScreen(anaAgain.page, 1), "the original is scrolled into view");
        assertThat(original.locator("[data-testid=reaction][data-emoji='🎉']")).containsText("1");
        Browsers.screenshot(anaAgain.page, "rich-reply-jumped");
        assertEquals(List.of(), violations, String.join("\n", violations));
    }

    @Test
    void aReactionMadeOfflineIsKeptShownAcrossAReloadAndSentWhenBackOrUndoneIfRefused(Browsers browsers) {
        String bobName = Browsers.uniqueName("bob");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), bobName, "Bob");
        ChatPage ana = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("ana"), "Ana");
        ana.startChat(bobName);
        ana.send("Lunch tomorrow?");
        bob.open("Ana");
        bob.send("Yes, at noon");
        bob.send("Or maybe one");
        assertThat(ana.messageAt(3)).containsText("Or maybe one");
        ana.reloadUnderServiceWorker();
        ana.open("Bob");

        // Ana is offline: her reactions show at once (pressed, counted, marked as not sent yet)
        ana.page.context().setOffline(true);
        assertThat(ana.page.locator("#connection")).containsText("Offline");
        ana.react(ana.messageAt(2), "👍");
        ana.react(ana.messageAt(3), "🎉");
        Locator thumbs = ana.reaction(ana.messageAt(2), "👍");
        Locator party = ana.reaction(ana.messageAt(3), "🎉");
        for (Locator chip : List.of(thumbs, party)) {
            assertThat(chip).containsText("1");
            assertThat(chip).hasAttribute("aria-pressed", "true");
            assertThat(chip).hasAttribute("data-waiting", "true");
        }
        assertThat(ana.page.getByText("Cannot reach the server")).hasCount(0);
        Browsers.screenshot(ana.page, "rich-reaction-offline-waiting");

        // a reload while still offline: they are still there, from the device
        ana.page.reload();
        ana.open("Bob");
        assertThat(thumbs).containsText("1");
        assertThat(thumbs).hasAttribute("aria-pressed", "true");
        assertThat(thumbs).hasAttribute("data-waiting", "true");
        assertThat(party).hasAttribute("aria-pressed", "true");

        // Bob sees nothing yet, and deletes his second message meanwhile
        Locator bobsThumbs = bob.reaction(bob.messageAt(2), "👍");
        assertThat(bob.page.getByTestId("reaction")).hasCount(0);
        bob.deleteMessage(bob.messageAt(3));
        assertThat(bob.messageAt(3)).containsText("This message was deleted");

        // Ana is back: 👍 goes by itself and Bob sees it live; 🎉 is refused (the message is gone) and undone
        ana.page.context().setOffline(false);
        assertThat(bobsThumbs).containsText("1");
        assertThat(bobsThumbs).hasAttribute("title", "Ana");
        assertThat(bobsThumbs).hasAttribute("aria-pressed", "false");
        assertThat(thumbs).not().hasAttribute("data-waiting", "true");
        assertThat(thumbs).hasAttribute("aria-pressed", "true");
        assertThat(ana.messageAt(3)).containsText("This message was deleted");
        assertThat(party).hasCount(0);
        assertThat(ana.page.locator("#typing")).containsText("Could not add 🎉");

        // nothing is left waiting on the device: after a reload the server's tally is all there is
        ana.page.reload();
        ana.awaitConnected();
        ana.open("Bob");
        assertThat(thumbs).containsText("1");
        assertThat(thumbs).not().hasAttribute("data-waiting", "true");
        assertThat(ana.page.locator("[data-testid=reaction][data-waiting]")).hasCount(0);
        assertEquals(0, ((Number) ana.page.evaluate("""
                async () => { const dbs = await indexedDB.databases();
                              const name = dbs.map(d => d.name).find(n => n.startsWith('chat-'));
                              const db = await new Promise((ok, ko) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = ko; });
                              return await new Promise(ok => { const q = db.transaction('reactions').objectStore('reactions').count();
                                                               q.onsuccess = () => { ok(q.result); db.close(); }; }); }""")).intValue(),
                "no reaction left waiting on the device");
        assertThat(bob.page.getByTestId("reaction")).hasCount(1);
    }

    // ------------------------------------------------------------------ helpers
    private static Path tempDir() throws IOException {
        return Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir"), "rich-messages"));
    }

    /** A real PNG: a gradient sky, a sun and hills. */
    private static Path picture(String name, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0x1e3a8a), 0, height * 0.7f, new Color(0xf97316)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0xfde047));
        g.fillOval(width / 2 - 60, (int) (height * 0.45), 120, 120);
        g.setColor(new Color(0x14532d));
        g.fillPolygon(new int[]{0, width / 3, width * 2 / 3, width, width, 0},
                new int[]{(int) (height * 0.7), (int) (height * 0.55), (int) (height * 0.68), (int) (height * 0.58), height, height}, 6);
        g.dispose();
        Path file = tempDir().resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Drops a file on the open conversation, as a file dragged from the desktop does. */
    private static void drop(Page page, String name, String type, byte[] bytes) {
        page.locator("#conversation-view").evaluate("""
                (view, f) => {
                  const raw = atob(f.base64);
                  const bytes = new Uint8Array(raw.length);
                  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
                  const data = new DataTransfer();
                  data.items.add(new File([bytes], f.name, { type: f.type }));
                  const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true });
                  view.dispatchEvent(over);
                  if (!over.defaultPrevented) throw new Error('the conversation does not accept dropped files');
                  view.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
                }""", Map.of("name", name, "type", type, "base64", java.util.Base64.getEncoder().encodeToString(bytes)));
    }

    /** A WAV file: a 440 Hz tone of this many seconds, 8 kHz, 16-bit mono. */
    private static byte[] tone(double seconds) {
        int rate = 8000;
        int samples = (int) Math.round(seconds * rate);
        java.nio.ByteBuffer wav = java.nio.ByteBuffer.allocate(44 + samples * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        wav.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) (Math.sin(2 * Math.PI * 440 * i / rate) * 8000));
        }
        return wav.array();
    }

    /** axe-core's WCAG 2.1 A/AA rules: the serious and critical violations on the page as it is. */
    private static List<String> seriousViolations(Page page, String screen) {
        List<String> found = new ArrayList<>();
        for (Rule v : new AxeBuilder(page).withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze().getViolations()) {
            if ("serious".equals(v.getImpact()) || "critical".equals(v.getImpact())) {
                String where = v.getNodes().stream().limit(3).map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", "));
                found.add(screen + ": " + v.getId() + " (" + v.getImpact() + ") " + v.getHelp() + " at " + where);
            }
        }
        return found;
    }

    private static long distinctHeights(Locator voice) {
        return ((Number) voice.evaluate(
                "v => new Set([...v.querySelectorAll('.bar')].map(b => b.style.getPropertyValue('--h'))).size")).longValue();
    }

    private static boolean onScreen(Page page, int seq) {
        return (Boolean) page.locator("#messages").evaluate("""
                (box, seq) => { const n = box.querySelector(`[data-seq="${seq}"]`);
                                if (!n) return false;
                                const b = box.getBoundingClientRect(), r = n.getBoundingClientRect();
                                return r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }""", seq);
    }

    private static void assertNoHorizontalOverflow(Page page) {
        Object fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth");
        assertTrue(Boolean.TRUE.equals(fits), "the page is wider than the screen");
    }
}
