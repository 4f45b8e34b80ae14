package dev.chat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The REST API through nginx, as a bot would call it: bearer tokens, JSON in and out. */
final class Rest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, JsonNode body, String raw) {
        JsonNode ok() {
            if (status / 100 != 2) {
                throw new IllegalStateException("HTTP " + status + ": " + raw);
            }
            return body;
        }
    }

    private final Target target;
    private final HttpClient http;
    /** Below nginx's limit of concurrent HTTP/2 streams on the one connection the client keeps. */
    private final java.util.concurrent.Semaphore streams = new java.util.concurrent.Semaphore(32);

    Rest(Target target) {
        this.target = target;
        this.http = HttpClient.newBuilder().sslContext(Tls.trusting(target.certificate()))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    Answer call(String method, String path, String token, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r;
            streams.acquire();
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } finally {
                streams.release();
            }
            JsonNode json = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
            return new Answer(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Times one GET in microseconds (the answer must be 200). */
    long timedGet(String path, String token) {
        long start = System.nanoTime();
        call("GET", path, token, null).ok();
        return (System.nanoTime() - start) / 1_000;
    }
}
