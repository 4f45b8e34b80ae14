package dev.chat.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
