package dev.chat.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every answer under {@code /api} is a problem document a program can read, also the ones nginx
 * makes itself (a path it will not pass, a body, a request line or headers over its limits), over
 * HTTP/1.1 and HTTP/2; the documented limits (a presence query of 200 ids) hold through nginx; a
 * browser opening a page path gets the app. No browser: plain HTTP clients through nginx TLS.
 */
class EdgeAnswersIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<HttpClient.Version> VERSIONS = List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2);

    @Test
    void whatNginxRefusesIsAProblemDocumentOverBothProtocols() throws Exception {
        for (HttpClient.Version version : VERSIONS) {
            try (HttpClient http = client(version)) {
                String v = version + ": ";
                // a NUL byte and ".." above the root: nginx refuses to pass these paths on
                assertProblem(v, get(http, "/api/conversations/%00", null), 400, "validation_failed", version);
                assertProblem(v, get(http, "/api/%2e%2e/%2e%2e/etc/passwd", null), 400, "validation_failed", version);
                // a body over nginx's client_max_body_size (1 MiB)
                // (asking to continue first, as curl does: nginx answers before the body, and no write meets a closed socket)
                HttpResponse<String> big = http.send(request("/api/auth/login").header("Content-Type", "application/json")
                        .expectContinue(version == HttpClient.Version.HTTP_1_1).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1_100_000])).build(), HttpResponse.BodyHandlers.ofString());
                assertProblem(v, big, 413, "payload_too_large", version);
                // a request line over nginx's 32 KiB buffer
                assertProblem(v, get(http, "/api/presence?users=" + ids(1_000, ","), null), 414, "uri_too_long", version);
                // a 20 KiB header: over api's 16 KiB of headers, under nginx's buffers: api's answer comes through
                assertProblem(v, get(http, "/api/me", "x".repeat(20 * 1024)), 431, "headers_too_large", version);
            }
        }
        // over HTTP/1.1 a header line over nginx's 32 KiB buffer is its own 494, answered 431
        // (over HTTP/2 nginx 1.22 ends the connection instead: PROTOCOL.md, "Limits")
        try (HttpClient http = client(HttpClient.Version.HTTP_1_1)) {
            assertProblem("HTTP/1.1: ", get(http, "/api/me", "~".repeat(40 * 1024)), 431, "headers_too_large", HttpClient.Version.HTTP_1_1);
        }
    }

    @Test
    void aPresenceQueryOfTheDocumentedMaximumPassesAndMoreIsAClearProblem() throws Exception {
        for (HttpClient.Version version : VERSIONS) {
            try (HttpClient http = client(version)) {
                String v = version + ": ";
                HttpResponse<String> signup = http.send(request("/api/auth/signup").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + Browsers.uniqueName("edge")
                                + "\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, signup.statusCode(), v + signup.body());
                JsonNode me = MAPPER.readTree(signup.body());
                String token = me.path("accessToken").asText();
                String myId = me.at("/user/id").asText();

                // 200 ids, commas escaped as URLSearchParams writes them: about 7.8 KB of request line
                String users = myId + "%2C" + ids(199, "%2C");
                HttpResponse<String> ok = http.send(request("/api/presence?users=" + users).header("Authorization", "Bearer " + token)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ok.statusCode(), v + ok.body());
                assertEquals(myId, MAPPER.readTree(ok.body()).at("/presence/0/user").asText(), v + ok.body());
                assertEquals(version, ok.version());

                HttpResponse<String> tooMany = http.send(request("/api/presence?users=" + users + "%2C" + UUID.randomUUID())
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertProblem(v, tooMany, 400, "validation_failed", version);
                assertTrue(MAPPER.readTree(tooMany.body()).path("detail").asText().contains("200"), v + tooMany.body());

                // over api's 16 KiB request line, under nginx's: api's own 414 comes through
                HttpResponse<String> long414 = http.send(request("/api/presence?users=" + ids(500, ","))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertProblem(v, long414, 414, "uri_too_long", version);
            }
        }
    }

    @Test
    void browsersOpeningAPagePathGetTheAppAndTheApiStaysProblems() throws Exception {
        String navigation = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        for (HttpClient.Version version : VERSIONS) {
            try (HttpClient http = client(version)) {
                for (String page : List.of("/login", "/chat")) {
                    HttpResponse<String> res = http.send(request(page).header("Accept", navigation).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, res.statusCode(), version + " " + page);
                    assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/html"), version + " " + page);
                    assertTrue(res.body().contains("/js/app.js"), version + " " + page + ": the app");
                }
                HttpResponse<String> api = http.send(request("/api/nothing/here").header("Accept", navigation).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertProblem(version + ": ", api, 404, "not_found", version);
                HttpResponse<String> method = http.send(request("/api/auth/login").GET().build(), HttpResponse.BodyHandlers.ofString());
                assertProblem(version + ": ", method, 405, "method_not_allowed", version);
                assertEquals("POST", method.headers().firstValue("allow").orElse(""), version.toString());
            }
        }
    }

    private static void assertProblem(String label, HttpResponse<String> res, int status, String code, HttpClient.Version version)
            throws Exception {
        assertEquals(status, res.statusCode(), label + res.body());
        assertEquals(version, res.version(), label + "answered over the protocol asked for");
        String type = res.headers().firstValue("content-type").orElse("");
        assertTrue(type.startsWith("application/problem+json"), label + status + " came as " + type + ": " + res.body());
        JsonNode body = MAPPER.readTree(res.body());
        assertEquals(code, body.path("code").asText(), label + res.body());
        assertEquals(status, body.path("status").asInt(), label + res.body());
        assertTrue(body.hasNonNull("title") && body.hasNonNull("detail") && body.hasNonNull("type"), label + res.body());
    }

    private static HttpResponse<String> get(HttpClient http, String path, String bigHeader) throws Exception {
        HttpRequest.Builder b = request(path).GET();
        if (bigHeader != null) {
            b.header("X-Padding", bigHeader);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(Browsers.url() + path)).timeout(Duration.ofSeconds(20));
    }

    private static String ids(int n, String separator) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return String.join(separator, ids);
    }

    /** A client of the stack's self-signed certificate, speaking only {@code version}. */
    private static HttpClient client(HttpClient.Version version) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String auth) { }
            public void checkServerTrusted(X509Certificate[] chain, String auth) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        return HttpClient.newBuilder().sslContext(tls).version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
