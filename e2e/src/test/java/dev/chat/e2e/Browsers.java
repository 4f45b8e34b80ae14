package dev.chat.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;

/**
 * Real Chromium (Debian's) driven by Playwright against the stack that {@code ./chat test}
 * started behind nginx TLS. The stack's URL comes as {@code chat.e2e.url}; without it the tests
 * fail with a message saying how to run them.
 */
public final class Browsers implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private Playwright playwright;
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        url(); // fail early and clearly
        Files.createDirectories(SCREENSHOTS);
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(System.getProperty("chat.e2e.chromium", "/usr/bin/chromium")))
                .setHeadless(true)
                .setArgs(List.of("--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        // the test stack's certificate is self-signed; without this Chromium refuses to install
                        // the service worker (the offline app shell) from it
                        "--ignore-certificate-errors",
                        // voice messages: a fake microphone (a beeping tone) that needs no prompt
                        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        // a huddle's screen sharing: getDisplayMedia picks the screen without asking
                        "--auto-select-desktop-capture-source=Entire screen")));
        context.getStore(ExtensionContext.Namespace.GLOBAL).put(Browsers.class, this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Browsers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getStore(ExtensionContext.Namespace.GLOBAL).get(Browsers.class, Browsers.class);
    }

    static String url() {
        String url = System.getProperty("chat.e2e.url");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("chat.e2e.url is not set: run the end-to-end tests with ./chat test, "
                    + "which starts the stack behind nginx TLS and passes its URL.");
        }
        return url;
    }

    /** A fresh browser profile (cookies, storage): one person on one device. */
    Page newPerson(int width, int height) {
        return newPerson(options(width, height));
    }

    /** A person whose browser runs no service worker, so that Playwright's routes see every request of the page. */
    Page newPersonWithoutServiceWorker() {
        return newPerson(options(1280, 800).setServiceWorkers(com.microsoft.playwright.options.ServiceWorkerPolicy.BLOCK));
    }

    private static Browser.NewContextOptions options(int width, int height) {
        return new Browser.NewContextOptions()
                .setIgnoreHTTPSErrors(true).setViewportSize(width, height).setLocale("en-GB").setTimezoneId("UTC");
    }

    private Page newPerson(Browser.NewContextOptions options) {
        BrowserContext ctx = browser.newContext(options);
        ctx.setDefaultTimeout(10_000);
        ctx.grantPermissions(List.of("microphone"), new BrowserContext.GrantPermissionsOptions().setOrigin(url()));
        return ctx.newPage();
    }

    Page newPerson() {
        return newPerson(1280, 800);
    }

    static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private static final java.util.concurrent.atomic.AtomicInteger WAITS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Waits until an async page function (one that awaits, e.g. a peer connection's getStats)
     * resolves to something truthy, or fails after {@code timeoutMs} (or with the function's own
     * error). Page.waitForFunction cannot take one: it counts the Promise returned as truthy and
     * returns at once, whatever it resolves to. Here the function runs in the page again and again,
     * each run after the last one settled, and Playwright's polling reads its latest answer.
     */
    static void waitForAsync(Page page, String asyncFunction, Object arg, double timeoutMs) {
        String key = "__waitForAsync" + WAITS.incrementAndGet();
        page.waitForFunction("""
                ([key, arg]) => {
                  const s = window[key] || (window[key] = { running: false, ok: false, error: null });
                  if (s.error) throw s.error;
                  if (!s.running && !s.ok) {
                    s.running = true;
                    Promise.resolve((__FUNCTION__)(arg)).then((v) => { s.ok = !!v; s.running = false; }, (e) => { s.error = e; s.running = false; });
                  }
                  return s.ok;
                }""".replace("__FUNCTION__", asyncFunction), java.util.Arrays.asList(key, arg),
                new Page.WaitForFunctionOptions().setPollingInterval(100).setTimeout(timeoutMs));
    }

    /**
     * Waits until the page's service worker is activated (it has the app shell and receives pushes).
     * {@code navigator.serviceWorker.ready} alone is a promise, which {@code waitForFunction} takes
     * for true at once.
     */
    static void awaitServiceWorker(Page page) {
        waitForAsync(page, "async () => (await navigator.serviceWorker.ready).active?.state === 'activated'", null, 20_000);
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
    }
}
