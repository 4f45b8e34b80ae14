package dev.chat.e2e;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Web Push in the real service worker: the profile offers "Turn on notifications" (asked for, never
 * on page load); Chromium's DevTools protocol delivers push messages to the worker
 * ({@code ServiceWorker.deliverPushMessage}), which shows one notification per conversation; and the
 * worker's click handler opens that chat. Headless Chromium has no push service and no
 * notification to click: the subscription itself is refused there ({@code pushManager.subscribe}
 * fails, and the page says so), and the click is the worker's own handler run for the shown
 * notification through Playwright's handle on the worker.
 */
@ExtendWith(Browsers.class)
class PushNotificationsIT {
    private static final String NOTIFICATIONS = """
            async () => (await (await navigator.serviceWorker.ready).getNotifications())
                .map(n => ({ title: n.title, body: n.body, tag: n.tag }))""";

    @Test
    void aPushShowsOneNotificationPerChatAndItsClickOpensTheChat(Browsers browsers) throws Exception {
        String anaName = Browsers.uniqueName("ana");
        Page page = browsers.newPerson();
        BrowserContext context = page.context();
        context.grantPermissions(List.of("notifications"), new BrowserContext.GrantPermissionsOptions().setOrigin(Browsers.url()));
        ChatPage ana = ChatPage.signUp(page, anaName, "Ana");
        ChatPage bob = ChatPage.signUp(browsers.newPerson(), Browsers.uniqueName("bob"), "Bob");
        bob.startChat(anaName);
        bob.send("lunch at noon?");
        assertThat(ana.conversation("Bob")).containsText("lunch at noon?");
        String chat = ana.conversation("Bob").getAttribute("data-id");

        // the control: in the profile, asked for; headless Chromium refuses the subscription, and the page says so
        page.getByLabel("Edit profile").click();
        assertThat(page.getByTestId("push-toggle")).isVisible(); // shown once the server says it can push
        assertThat(page.getByTestId("push-toggle")).hasText("Turn on notifications");
        Browsers.screenshot(page, "push-control-1280-light");
        page.getByTestId("push-toggle").click();
        assertThat(page.locator("#push-state")).containsText("could not subscribe");
        page.setViewportSize(390, 844);
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        Browsers.screenshot(page, "push-control-390-dark");
        page.setViewportSize(1280, 800);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel")).click();

        // two pushes for one chat: the second replaces the first (tag = the conversation)
        Browsers.awaitServiceWorker(page); // a push to a worker still installing is dropped
        CDPSession cdp = context.newCDPSession(page);
        String registration = registrationId(page, cdp);
        deliver(cdp, registration, "{\"kind\":\"message\",\"conversation\":\"" + chat + "\",\"seq\":1,\"title\":\"Bob\",\"body\":\"lunch at noon?\"}");
        awaitNotifications(page, "lunch at noon?");
        deliver(cdp, registration, "{\"kind\":\"message\",\"conversation\":\"" + chat + "\",\"seq\":2,\"title\":\"Bob\",\"body\":\"or at one?\"}");
        awaitNotifications(page, "or at one?");
        assertEquals(List.of(Map.of("title", "Bob", "body", "or at one?", "tag", chat)), page.evaluate(NOTIFICATIONS));

        // the click opens that chat in the open window, and the notification goes
        assertThat(page.locator("#conversation-view")).isHidden();
        inServiceWorker(page, "(async () => { const [n] = await self.registration.getNotifications();"
                + " await self.openFromNotification(n); return 'clicked'; })()");
        assertThat(page.locator("#peer-name")).hasText("Bob");
        assertThat(ana.message("lunch at noon?")).isVisible();
        assertEquals(List.of(), page.evaluate(NOTIFICATIONS));
    }

    /**
     * Runs {@code expression} in the page's service worker through the DevTools protocol (a browser
     * session attached to the worker's target; Playwright's Java API has no handle on workers of this kind).
     */
    private static void inServiceWorker(Page page, String expression) throws Exception {
        CDPSession own = page.context().newCDPSession(page);
        String context = own.send("Target.getTargetInfo").getAsJsonObject("targetInfo").get("browserContextId").getAsString();
        own.detach();
        CDPSession browser = page.context().browser().newBrowserCDPSession();
        String target = null;
        for (var t : browser.send("Target.getTargets").getAsJsonArray("targetInfos")) {
            JsonObject o = t.getAsJsonObject();
            // this person's worker: every browser context (person) of the test has its own
            if ("service_worker".equals(o.get("type").getAsString()) && context.equals(o.get("browserContextId").getAsString())) {
                target = o.get("targetId").getAsString();
            }
        }
        JsonObject attach = new JsonObject();
        attach.addProperty("targetId", target);
        attach.addProperty("flatten", false);
        String session = browser.send("Target.attachToTarget", attach).get("sessionId").getAsString();
        CompletableFuture<String> answer = new CompletableFuture<>();
        browser.on("Target.receivedMessageFromTarget", e -> {
            if (session.equals(e.get("sessionId").getAsString()) && e.get("message").getAsString().contains("\"id\":1,")) {
                answer.complete(e.get("message").getAsString());
            }
        });
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.addProperty("awaitPromise", true);
        JsonObject message = new JsonObject();
        message.addProperty("id", 1);
        message.addProperty("method", "Runtime.evaluate");
        message.add("params", params);
        JsonObject send = new JsonObject();
        send.addProperty("sessionId", session);
        send.addProperty("message", message.toString());
        browser.send("Target.sendMessageToTarget", send);
        page.waitForCondition(answer::isDone);
        String reply = answer.get();
        if (!reply.contains("clicked")) {
            throw new AssertionError("the worker's click handler failed: " + reply);
        }
        browser.detach();
    }

    /**
     * Waits until the worker shows exactly one notification and its body is {@code body}
     * (page.waitForFunction does not await an async predicate: each look is an evaluate, which does).
     */
    private static void awaitNotifications(Page page, String body) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Object seen = null;
        while (System.nanoTime() < deadline) {
            seen = page.evaluate(NOTIFICATIONS);
            if (seen instanceof List<?> l && l.size() == 1 && l.getFirst() instanceof Map<?, ?> n && body.equals(n.get("body"))) {
                return;
            }
        }
        throw new AssertionError("no single notification '" + body + "' within 10 s; shown: " + seen);
    }

    /** The page's service worker registration, as DevTools names it. */
    private static String registrationId(Page page, CDPSession cdp) throws Exception {
        CompletableFuture<String> id = new CompletableFuture<>();
        cdp.on("ServiceWorker.workerRegistrationUpdated", event -> {
            for (var r : event.getAsJsonArray("registrations")) {
                JsonObject o = r.getAsJsonObject();
                if (!o.get("isDeleted").getAsBoolean()) {
                    id.complete(o.get("registrationId").getAsString());
                }
            }
        });
        cdp.send("ServiceWorker.enable");
        page.waitForCondition(id::isDone); // Playwright hands events over only while it waits
        return id.get();
    }

    private static void deliver(CDPSession cdp, String registration, String data) {
        JsonObject args = new JsonObject();
        args.addProperty("origin", Browsers.url());
        args.addProperty("registrationId", registration);
        args.addProperty("data", data);
        cdp.send("ServiceWorker.deliverPushMessage", args);
    }
}
