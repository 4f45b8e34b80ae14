package dev.chat.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.FrameFields;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed JSON object with typed, validated field access. Each accessor either returns a valid
 * value or throws {@link ChatException} {@code validation_failed} naming the field and the rule.
 * The rules are the protocol's ({@link FrameFields}), the same a WebSocket frame's fields keep.
 */
public record JsonBody(ObjectNode node) {

    private FrameFields fields() {
        return new FrameFields(node, ChatException::validation);
    }

    /** A required string, trimmed, whose length in code points lies in [min, max]. */
    public String string(String field, int min, int max) {
        return fields().string(field, min, max);
    }

    /** A required string that also matches {@code pattern} (described for the client by {@code rule}). */
    public String string(String field, int min, int max, Pattern pattern, String rule) {
        return fields().string(field, min, max, pattern, rule);
    }

    public Optional<String> optionalString(String field, int min, int max) {
        return fields().optionalString(field, min, max);
    }

    /** An optional whole number in [min, max]; absent or null is null. */
    public Long optionalLong(String field, long min, long max) {
        return fields().optionalLong(field, min, max);
    }

    /** An optional id: absent or null is null; anything but a UUID string is refused. */
    public java.util.UUID optionalUuid(String field) {
        return fields().optionalUuid(field);
    }

    /** An optional boolean: absent or null is null; anything but true/false is refused. */
    public Boolean optionalBoolean(String field) {
        return fields().optionalBoolean(field);
    }

    /** Line breaks and tabs are allowed in text; other control characters and lone surrogates are not (the frames' rule too). */
    public static boolean hasForbiddenControl(String s) {
        return FrameFields.hasForbiddenControl(s);
    }
}
