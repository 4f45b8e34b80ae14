package dev.chat.api;

import dev.chat.api.messaging.Messaging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets a problem+json 4xx with a stable code, and changes nothing. */
@ExtendWith(ChatServers.class)
class BadInputIT {

    private static void assertProblem(TestClient.Response r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals(code, r.body().get("code").asText());
        assertEquals(status, r.body().get("status").asInt());
        assertTrue(r.body().hasNonNull("title") && r.body().hasNonNull("detail") && r.body().hasNonNull("type"));
    }

    @Test
    void malformedMissingWrongTypedAndOversizedSendsChangeNothing(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        String path = "/api/conversations/" + chat + "/messages";
        String id = UUID.randomUUID().toString();

        assertProblem(ana.post(path, "{\"clientMsgId\":"), 400, "malformed_json");
        assertProblem(ana.post(path, "[1,2]"), 400, "malformed_json");
        assertProblem(ana.post(path, "{\"clientMsgId\":\"" + id + "\"} trailing"), 400, "malformed_json");
        assertProblem(ana.post(path, "{\"text\":\"hi\"}"), 400, "validation_failed");
        assertProblem(ana.post(path, "{\"clientMsgId\":\"" + id + "\",\"text\":42}"), 400, "validation_failed");
        assertProblem(ana.post(path, "{\"clientMsgId\":\"" + id + "\",\"text\":\"   \"}"), 400, "validation_failed");
        assertProblem(ana.post(path, "{\"clientMsgId\":\"no spaces allowed\",\"text\":\"hi\"}"), 400, "validation_failed");
        assertProblem(ana.post(path, "{\"clientMsgId\":\"" + id + "\",\"text\":\"bad \\u0000 nul\"}"), 400, "validation_failed");
        assertProblem(ana.send(chat, id, "x".repeat(Messaging.MAX_TEXT + 1)), 400, "validation_failed");
        assertProblem(ana.send(chat, id, "y".repeat(17 * 1024)), 413, "payload_too_large");
        assertEquals(0, CrossNodeMessagingIT.countMessages(stack, chat));

        // the same id works once the input is right: nothing above consumed it
        assertEquals(201, ana.send(chat, id, "now valid").status());
    }

    @Test
    void unknownThingsAndWrongMediaType(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        assertProblem(ana.get("/api/users/nobody_here"), 404, "user_not_found");
        assertProblem(ana.post("/api/conversations", "{\"kind\":\"direct\",\"username\":\"nobody_here\"}"), 404, "user_not_found");
        assertProblem(ana.post("/api/conversations", "{\"kind\":\"direct\",\"username\":\"ana\"}"), 400, "validation_failed");
        assertProblem(ana.post("/api/conversations", "{\"kind\":\"galaxy\",\"username\":\"ana\"}"), 400, "validation_failed");
        assertProblem(ana.get("/api/conversations/" + UUID.randomUUID() + "/messages"), 404, "conversation_not_found");
        assertProblem(ana.get("/api/conversations/not-a-uuid/messages"), 404, "conversation_not_found");
        assertProblem(ana.get("/api/conversations/" + UUID.randomUUID() + "/messages?limit=500"), 400, "validation_failed");
        assertProblem(ana.get("/api/conversations/" + UUID.randomUUID() + "/messages?before=abc"), 400, "validation_failed");
        assertProblem(ana.get("/api/no/such/route"), 404, "not_found");

        HttpRequest form = HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/conversations"))
                .header("Authorization", "Bearer " + ana.token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("kind=direct&username=bo")).build();
        HttpResponse<String> res = TestClient.HTTP.send(form, HttpResponse.BodyHandlers.ofString());
        assertEquals(415, res.statusCode());
        assertTrue(res.body().contains("\"code\":\"unsupported_media_type\""));
    }

    @Test
    void theWebUiIsServedWithItsPolicyAndRevalidatesWithout500(ChatServers.Stack stack) throws Exception {
        HttpResponse<String> first = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/js/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/js/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode(), "a browser's cached copy is confirmed, not answered with an error");
        HttpResponse<String> missing = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/nope.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }

    @Test
    void anUnsupportedMethodOnAnExistingPathIs405WithAllow(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        UUID any = UUID.randomUUID();
        HttpResponse<String> put = send(stack, "PUT", "/api/conversations/" + any, ana.token, "{}");
        assertEquals(405, put.statusCode(), put.body());
        assertEquals("GET, PATCH, DELETE", put.headers().firstValue("Allow").orElse(""));
        assertProblemBody(put, 405, "method_not_allowed");
        HttpResponse<String> delete = send(stack, "DELETE", "/api/presence", ana.token, null);
        assertEquals("GET", delete.headers().firstValue("Allow").orElse(""));
        assertProblemBody(delete, 405, "method_not_allowed");
        HttpResponse<String> get = send(stack, "GET", "/api/auth/login", null, null);
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertProblemBody(get, 405, "method_not_allowed");
        // anonymous or not, the route's methods are the same; a path with no route at all stays 404
        assertProblemBody(send(stack, "POST", "/api/openapi.yaml", null, "{}"), 405, "method_not_allowed");
        assertProblemBody(send(stack, "PUT", "/api/conversations/" + any + "/nothing", ana.token, "{}"), 404, "not_found");
        assertProblemBody(send(stack, "DELETE", "/api/conversations/", ana.token, null), 404, "not_found");
    }

    @Test
    void browsersOpeningAnyPageGetTheAppAndProgramsAProblem(ChatServers.Stack stack) throws Exception {
        String html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"; // what a browser's navigation accepts
        for (String page : List.of("/login", "/chat", "/chat/5b1c9a0e-0000-0000-0000-000000000000", "/settings?tab=profile")) {
            HttpResponse<String> res = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + page))
                    .header("Accept", html).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), page);
            assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page);
            assertTrue(res.body().contains("<script type=\"module\" src=\"/js/app.js\"></script>"), page + ": the app, its files by absolute path");
            assertTrue(res.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), page);
        }
        // under /api, and for anything not asking for HTML, a missing thing is a problem document
        HttpResponse<String> api = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/no/such/route"))
                .header("Accept", html).build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(api, 404, "not_found");
        HttpResponse<String> program = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/login"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(program, 404, "not_found");
        HttpResponse<String> script = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/js/nope.js"))
                .header("Accept", "*/*").build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(script, 404, "not_found");
        HttpResponse<String> health = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/health/nope"))
                .header("Accept", html).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, health.statusCode());
    }

    @Test
    void presenceTakesItsDocumentedMaximumOf200IdsAndMoreIsAClearProblem(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        List<String> ids = new java.util.ArrayList<>(List.of(ana.id.toString()));
        while (ids.size() < 200) {
            ids.add(UUID.randomUUID().toString());
        }
        String path = "/api/presence?users=" + String.join("%2C", ids); // commas escaped, as URLSearchParams does: the longer form
        assertTrue(path.length() > 7_400, "the request line is " + path.length());
        TestClient.Response ok = ana.get(path);
        assertEquals(200, ok.status(), ok.raw());
        assertEquals(ana.id.toString(), ok.body().at("/presence/0/user").asText(), ok.raw());

        ids.add(UUID.randomUUID().toString());
        assertProblem(ana.get("/api/presence?users=" + String.join(",", ids)), 400, "validation_failed");
        while (ids.size() < 600) {
            ids.add(UUID.randomUUID().toString());
        }
        // far over: refused before routing, for the request line's length
        assertProblem(ana.get("/api/presence?users=" + String.join(",", ids)), 414, "uri_too_long");
    }

    @Test
    void headersOverTheLimitAre431AndARequestLineOverItIs414(ChatServers.Stack stack) throws Exception {
        HttpResponse<String> headers = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/me"))
                .header("X-Padding", "x".repeat(Main.MAX_HEADERS)).build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(headers, 431, "headers_too_large");
        HttpResponse<String> line = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/users?q="
                + "a".repeat(Main.MAX_REQUEST_LINE))).build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(line, 414, "uri_too_long");
        // just under: routed as usual
        HttpResponse<String> under = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/users?q="
                + "a".repeat(Main.MAX_REQUEST_LINE - 100))).build(), HttpResponse.BodyHandlers.ofString());
        assertProblemBody(under, 401, "unauthenticated");
    }

    private static HttpResponse<String> send(ChatServers.Stack stack, String method, String path, String token, String json)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return TestClient.HTTP.send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblemBody(HttpResponse<String> res, int status, String code) throws Exception {
        assertEquals(status, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), res.headers().toString());
        assertEquals(code, TestClient.MAPPER.readTree(res.body()).path("code").asText(), res.body());
    }

    @Test
    void signupValidationAndDuplicates(ChatServers.Stack stack) {
        String url = stack.apiUrl();
        assertProblem(TestClient.request(url, "POST", "/api/auth/signup", null,
                "{\"username\":\"a\",\"password\":\"long enough pw\"}"), 400, "validation_failed");
        assertProblem(TestClient.request(url, "POST", "/api/auth/signup", null,
                "{\"username\":\"has space\",\"password\":\"long enough pw\"}"), 400, "validation_failed");
        assertProblem(TestClient.request(url, "POST", "/api/auth/signup", null,
                "{\"username\":\"ana\",\"password\":\"short\"}"), 400, "validation_failed");
        assertProblem(TestClient.request(url, "POST", "/api/auth/signup", null,
                "{\"username\":[\"ana\"],\"password\":\"long enough pw\"}"), 400, "validation_failed");
        TestClient.signUp(url, "ana");
        assertProblem(TestClient.request(url, "POST", "/api/auth/signup", null,
                "{\"username\":\"ANA\",\"password\":\"another password\"}"), 409, "username_taken");
    }

    @Test
    void everyApiRouteWantsAuthentication(ChatServers.Stack stack) {
        String url = stack.apiUrl();
        UUID any = UUID.randomUUID();
        assertProblem(TestClient.request(url, "GET", "/api/me", null, null), 401, "unauthenticated");
        assertProblem(TestClient.request(url, "GET", "/api/conversations", null, null), 401, "unauthenticated");
        assertProblem(TestClient.request(url, "GET", "/api/users/ana", null, null), 401, "unauthenticated");
        assertProblem(TestClient.request(url, "GET", "/api/conversations/" + any + "/messages", null, null), 401, "unauthenticated");
        assertProblem(TestClient.request(url, "POST", "/api/conversations/" + any + "/messages", "not-a-token",
                "{\"clientMsgId\":\"abcdefgh\",\"text\":\"x\"}"), 401, "unauthenticated");
    }
}
