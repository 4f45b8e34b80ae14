package dev.chat.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed JSON object with typed, validated field access. Each accessor either returns a valid
 * value or throws {@link ChatException} {@code validation_failed} naming the field and the rule.
 */
public record JsonBody(ObjectNode node) {

    /** A required string, trimmed, whose length in code points lies in [min, max]. */
    public String string(String field, int min, int max) {
        return optionalString(field, min, max)
                .orElseThrow(() -> ChatException.validation("'" + field + "' is required."));
    }

    /** A required string that also matches {@code pattern} (described for the client by {@code rule}). */
    public String string(String field, int min, int max, Pattern pattern, String rule) {
        String value = string(field, min, max);
        if (!pattern.matcher(value).matches()) {
            throw ChatException.validation("'" + field + "' " + rule + ".");
        }
        return value;
    }

    public Optional<String> optionalString(String field, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ChatException.validation("'" + field + "' must be a string.");
        }
        String s = v.textValue().strip();
        int len = s.codePointCount(0, s.length());
        if (len < min || len > max) {
            throw ChatException.validation("'" + field + "' must be " + min + " to " + max + " characters long.");
        }
        if (hasForbiddenControl(s)) {
            throw ChatException.validation("'" + field + "' contains control characters.");
        }
        return Optional.of(s);
    }

    /** An optional whole number in [min, max]; absent or null is null. */
    public Long optionalLong(String field, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ChatException.validation("'" + field + "' must be a whole number from " + min + " to " + max + ".");
        }
        return v.asLong();
    }

    /** An optional id: absent or null is null; anything but a UUID string is refused. */
    public java.util.UUID optionalUuid(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (v.isTextual() && v.textValue().length() == 36) {
                return java.util.UUID.fromString(v.textValue());
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ChatException.validation("'" + field + "' must be an id (a UUID string).");
    }

    /** An optional boolean: absent or null is null; anything but true/false is refused. */
    public Boolean optionalBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ChatException.validation("'" + field + "' must be true or false.");
        }
        return v.booleanValue();
    }

    /** Line breaks and tabs are allowed in text; other control characters and lone surrogates are not. */
    public static boolean hasForbiddenControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
