package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import java.util.ArrayList;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** What a person does in the web UI, in their words: sign up, start a chat, send, open a chat. */
final class ChatPage {
    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);
    private static final String PASSWORD = "correct horse battery";

    /** Records every status the bubble with this text shows, in order, in window.__statuses. */
    private static final String WATCH_STATUSES = """
            (text) => {
              window.__statuses = [];
              const note = () => document.querySelectorAll('[data-testid=message]').forEach((m) => {
                if (m.textContent.includes(text)) {
                  const s = m.dataset.status;
                  if (window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
                }
              });
              note();
              new MutationObserver(note).observe(document.getElementById('messages'),
                { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
            }""";

    /** From now on, every text the call screen's status line shows is kept, in order, in window.__shown. */
    private static final String WATCH_CALL_STATUS = """
            () => {
              window.__shown = [];
              const status = document.getElementById('call-status');
              const note = () => {
                const t = status.textContent;
                if (t && window.__shown[window.__shown.length - 1] !== t) window.__shown.push(t);
              };
              new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
            }""";

    final Page page;
    final String username;

    private ChatPage(Page page, String username) {
        this.page = page;
        this.username = username;
    }

    static ChatPage signUp(Page page, String username, String displayName) {
        ChatPage chat = signUpOnly(page, username, displayName);
        chat.awaitConnected();
        return chat;
    }

    /** Signs up without waiting for the connection. */
    static ChatPage signUpOnly(Page page, String username, String displayName) {
        page.navigate(Browsers.url());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create an account")).click();
        page.getByLabel("Username", EXACT).fill(username);
        page.locator("#auth").getByLabel("Display name", new Locator.GetByLabelOptions().setExact(true)).fill(displayName);
        page.getByLabel("Password", EXACT).fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign up")).click();
        return new ChatPage(page, username);
    }

    /** Logs in on this page (a device of someone who already has an account). */
    static ChatPage logIn(Page page, String username) {
        return logIn(page, username, PASSWORD);
    }

    /** Logs in with this password (an account made outside the browser, such as ./chat admin create). */
    static ChatPage logIn(Page page, String username, String password) {
        page.navigate(Browsers.url());
        page.getByLabel("Username", EXACT).fill(username);
        page.getByLabel("Password", EXACT).fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        ChatPage chat = new ChatPage(page, username);
        chat.awaitConnected();
        return chat;
    }

    static ChatPage wrap(Page page, String username) {
        return new ChatPage(page, username);
    }

    /** Waits for the welcome frame: the socket is subscribed and synced (a sign-up on a busy machine takes a while). */
    void awaitConnected() {
        assertThat(page.locator("body[data-ws-state=open]")).hasCount(1,
                new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(20_000));
    }

    String wsNode() {
        return page.locator("body").getAttribute("data-ws-node");
    }

    void startChat(String peer) {
        page.getByTestId("new-chat-username").fill(peer);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start chat")).click();
        assertThat(page.locator("#conversation-view")).isVisible();
    }

    void open(String peerName) {
        page.getByTestId("conversation-item").filter(new Locator.FilterOptions().setHasText(peerName)).click();
        assertThat(page.locator("#peer-name")).hasText(peerName);
    }

    void send(String text) {
        page.getByLabel("Message", EXACT).fill(text);
        page.getByLabel("Message", EXACT).press("Enter");
    }

    Locator message(String text) {
        return page.getByTestId("message").filter(new Locator.FilterOptions().setHasText(text));
    }

    /** Picks a file for the next message (the composer's file input); it shows above the message field. */
    void attach(java.nio.file.Path file) {
        page.getByTestId("attach-input").setInputFiles(file);
        assertThat(page.getByTestId("staged")).isVisible();
    }

    /** Presses Send: the typed text, the picked file or both. */
    void pressSend() {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send").setExact(true)).click();
    }

    /** The id of the conversation open in this page. */
    String conversationId() {
        return page.locator("[data-testid=conversation-item][aria-current=true]").getAttribute("data-id");
    }

    /** The bubble of the message at this seq, when it is rendered. */
    Locator messageAt(int seq) {
        return page.locator("#messages [data-testid=message][data-seq=\"" + seq + "\"]");
    }

    /** Reacts to a message with one of the picker's common emoji. */
    void react(Locator message, String emoji) {
        message.hover();
        message.getByLabel("Add reaction", new Locator.GetByLabelOptions().setExact(true)).click();
        page.getByTestId("reaction-picker").getByLabel("React with " + emoji, new Locator.GetByLabelOptions().setExact(true)).click();
    }

    /** The chip of one emoji under a message. */
    Locator reaction(Locator message, String emoji) {
        return message.locator("[data-testid=reaction][data-emoji='" + emoji + "']");
    }

    /** Deletes one of my messages for everyone: Delete, then the app's confirmation. */
    void deleteMessage(Locator message) {
        message.hover();
        message.getByLabel("Delete message", new Locator.GetByLabelOptions().setExact(true)).click();
        answer("Delete for everyone");
    }

    /** The app's own question dialog (never the browser's prompt or confirm). */
    Locator askDialog() {
        return page.getByTestId("ask");
    }

    /** Answers the app's question dialog with one of its buttons. */
    void answer(String button) {
        askDialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(button).setExact(true)).click();
        assertThat(askDialog()).hasCount(0);
    }

    /** Types into the app's question dialog and presses Enter. */
    void answerWith(String text) {
        askDialog().getByRole(AriaRole.TEXTBOX).fill(text);
        askDialog().getByRole(AriaRole.TEXTBOX).press("Enter");
        assertThat(askDialog()).hasCount(0);
    }

    /** Reloads once the service worker has the app shell, so a later reload works offline too. */
    void reloadUnderServiceWorker() {
        Browsers.awaitServiceWorker(page);
        page.reload();
        awaitConnected();
        page.waitForFunction("() => navigator.serviceWorker.controller !== null");
    }

    /** Replies to a message with text. */
    void reply(Locator message, String text) {
        message.hover();
        message.getByLabel("Reply", new Locator.GetByLabelOptions().setExact(true)).click();
        assertThat(page.getByTestId("replying")).isVisible();
        send(text);
    }

    Locator conversation(String peerName) {
        return page.getByTestId("conversation-item").filter(new Locator.FilterOptions().setHasText(peerName));
    }

    /** From now on, records each status the bubble with this text shows (read them with {@link #statuses()}). */
    void watchStatuses(String text) {
        page.evaluate(WATCH_STATUSES, text);
    }

    /** The statuses recorded since {@link #watchStatuses}, in order, each once per change. */
    @SuppressWarnings("unchecked")
    List<String> statuses() {
        return new ArrayList<>((List<String>) page.evaluate("() => window.__statuses"));
    }

    /**
     * From now on, keeps every text the call screen's status line shows, however briefly (an ended
     * call's lingers 1.5 s): read by {@link #awaitCallStatus}.
     */
    void watchCallStatus() {
        page.evaluate(WATCH_CALL_STATUS);
    }

    /** Waits until the call screen's status line has shown one of these texts since {@link #watchCallStatus}. */
    void awaitCallStatus(double timeoutMs, String... texts) {
        page.waitForFunction("(texts) => window.__shown.some((t) => texts.includes(t))", List.of(texts),
                new Page.WaitForFunctionOptions().setPollingInterval(100).setTimeout(timeoutMs));
    }

    /** Creates a group from the sidebar; its creator lands in the group's #general. */
    void createGroup(String name) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New group")).click();
        page.locator("#group-create").getByLabel("Group name", new Locator.GetByLabelOptions().setExact(true)).fill(name);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create group")).click();
        assertThat(page.locator("#peer-name")).hasText("#general");
    }

    /** Opens the settings panel of the group whose channel is open. */
    Locator openGroupSettings() {
        page.getByLabel("Chat options").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Group settings…")).click();
        return page.locator("#group-panel");
    }
}
