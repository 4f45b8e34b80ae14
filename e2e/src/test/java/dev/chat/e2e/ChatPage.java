package dev.chat.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** What a person does in the web UI, in their words: sign up, start a chat, send, open a chat. */
final class ChatPage {
    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    final Page page;
    final String username;

    private ChatPage(Page page, String username) {
        this.page = page;
        this.username = username;
    }

    static ChatPage signUp(Page page, String username, String displayName) {
        page.navigate(Browsers.url());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create an account")).click();
        page.getByLabel("Username", EXACT).fill(username);
        page.locator("#auth").getByLabel("Display name", new Locator.GetByLabelOptions().setExact(true)).fill(displayName);
        page.getByLabel("Password", EXACT).fill("correct horse battery");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign up")).click();
        ChatPage chat = new ChatPage(page, username);
        chat.awaitConnected();
        return chat;
    }

    /** Logs in on this page (a device of someone who already has an account). */
    static ChatPage logIn(Page page, String username) {
        page.navigate(Browsers.url());
        page.getByLabel("Username", EXACT).fill(username);
        page.getByLabel("Password", EXACT).fill("correct horse battery");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        ChatPage chat = new ChatPage(page, username);
        chat.awaitConnected();
        return chat;
    }

    static ChatPage wrap(Page page, String username) {
        return new ChatPage(page, username);
    }

    /** Waits for the welcome frame: the socket is subscribed and synced. */
    void awaitConnected() {
        assertThat(page.locator("body[data-ws-state=open]")).hasCount(1);
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

    Locator conversation(String peerName) {
        return page.getByTestId("conversation-item").filter(new Locator.FilterOptions().setHasText(peerName));
    }
}
