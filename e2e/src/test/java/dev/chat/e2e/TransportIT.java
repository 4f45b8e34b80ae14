package dev.chat.e2e;

import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.options.HttpHeader;
import com.microsoft.playwright.options.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport as a browser meets it through nginx: plain HTTP only redirects to HTTPS, HTTPS
 * answers carry HSTS and a Content-Security-Policy without inline script, and session cookies are
 * HttpOnly, Secure and SameSite=Strict.
 */
@ExtendWith(Browsers.class)
class TransportIT {

    @Test
    void httpsOnlyWithHstsCspAndLockedDownCookies(Browsers browsers) {
        APIRequestContext http = browsers.newPerson().request();
        String plain = System.getProperty("chat.e2e.http.url");
        APIResponse redirect = http.get(plain + "/api/health?x=1", RequestOptions.create().setMaxRedirects(0));
        assertEquals(301, redirect.status());
        assertEquals(Browsers.url() + "/api/health?x=1", redirect.headers().get("location"));

        APIResponse page = http.get(Browsers.url() + "/");
        assertEquals(200, page.status());
        assertTrue(page.headers().getOrDefault("strict-transport-security", "").contains("max-age="), page.headers().toString());
        String csp = page.headers().getOrDefault("content-security-policy", "");
        String scripts = csp.replaceAll(".*script-src([^;]*).*", "$1");
        assertTrue(csp.contains("script-src") && scripts.contains("'self'"), csp);
        assertFalse(scripts.contains("unsafe-inline") || scripts.contains("unsafe-eval"), "no inline or eval'd script: " + csp);

        APIResponse signup = http.post(Browsers.url() + "/api/auth/signup", RequestOptions.create().setData(Map.of(
                "username", Browsers.uniqueName("tls"), "password", "correct horse battery")));
        assertEquals(201, signup.status(), signup.text());
        List<String> cookies = signup.headersArray().stream().filter(h -> h.name.equalsIgnoreCase("set-cookie"))
                .map((HttpHeader h) -> h.value).toList();
        assertEquals(2, cookies.size(), cookies.toString());
        for (String cookie : cookies) {
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"), cookie);
        }
    }
}
