package dev.chat.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.chat.protocol.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * JSON in and out of handlers: bounded body reading, strict parsing into {@link JsonBody}, and
 * writing records. Thread-safe.
 */
public final class Json {
    /** Largest JSON request body accepted (the text limit is smaller; this bounds everything else). */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final ObjectMapper mapper;

    public Json() {
        this.mapper = dev.chat.fanout.Mappers.create()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public JsonNode tree(Object value) {
        return mapper.valueToTree(value);
    }

    /**
     * Reads the request body as a JSON object, refusing a wrong content type (415), an oversized
     * body (413) and malformed JSON or a non-object (400).
     */
    public JsonBody body(ServerRequest req) {
        boolean json = req.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(mt -> "application".equals(mt.type()) && "json".equals(mt.subtype()))
                .orElse(false);
        if (!json) {
            throw new ChatException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new ChatException(ErrorCode.MALFORMED_JSON, "The body could not be read.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ChatException(ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new ChatException(ErrorCode.MALFORMED_JSON, "The body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw new ChatException(ErrorCode.MALFORMED_JSON, "The body must be a JSON object.");
        }
        return new JsonBody((ObjectNode) node);
    }

    public void send(ServerResponse res, Status status, Object value) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(write(value));
    }

    public void ok(ServerResponse res, Object value) {
        send(res, Status.OK_200, value);
    }
}
