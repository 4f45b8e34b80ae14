package dev.chat.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Typed reading of the fields of a JSON object, a frame or a REST body: each accessor returns a
 * valid value or throws the refusal made from a detail that names the field and the rule (a
 * {@code validation_failed} answer). The one set of field rules and their words: {@link
 * ClientFrames} reads frames with it, and api's REST bodies ({@code JsonBody}) too, so a field is
 * refused the same way by either door.
 */
public final class FrameFields {
    private final JsonNode node;
    private final Function<String, ? extends RuntimeException> refusal;

    /** Fields of {@code node}; a broken rule throws {@code refusal.apply(detail)}. */
    public FrameFields(JsonNode node, Function<String, ? extends RuntimeException> refusal) {
        this.node = node;
        this.refusal = refusal;
    }

    /** A field that breaks its rule, while the codec reads a frame: becomes its {@link ClientFrame.Refused}. */
    static final class Refusal extends RuntimeException {
        Refusal(String detail) {
            super(detail, null, false, false);
        }
    }

    /** The refusal of a frame or body, with this detail, to throw. */
    public RuntimeException refuse(String detail) {
        return refusal.apply(detail);
    }

    /** A required string, stripped, whose length in code points lies in [min, max]. */
    public String string(String field, int min, int max) {
        return optionalString(field, min, max).orElseThrow(() -> refuse("'" + field + "' is required."));
    }

    /** A required string that also matches {@code pattern} (described for the client by {@code rule}). */
    public String string(String field, int min, int max, Pattern pattern, String rule) {
        String value = string(field, min, max);
        if (!pattern.matcher(value).matches()) {
            throw refuse("'" + field + "' " + rule + ".");
        }
        return value;
    }

    public Optional<String> optionalString(String field, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw refuse("'" + field + "' must be a string.");
        }
        String s = v.textValue().strip();
        int len = s.codePointCount(0, s.length());
        if (len < min || len > max) {
            throw refuse("'" + field + "' must be " + min + " to " + max + " characters long.");
        }
        if (hasForbiddenControl(s)) {
            throw refuse("'" + field + "' contains control characters.");
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
            throw refuse("'" + field + "' must be a whole number from " + min + " to " + max + ".");
        }
        return v.asLong();
    }

    /** A message position: a whole number >= 0 (null, absent, text or a fraction are refused). */
    public long seq() {
        JsonNode n = node.get("seq");
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw refuse("'seq' must be a whole number >= 0.");
        }
        return n.asLong();
    }

    /** An optional id: absent or null is null; anything but a UUID string is refused. */
    public UUID optionalUuid(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (v.isTextual() && v.textValue().length() == 36) {
                return UUID.fromString(v.textValue());
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw refuse("'" + field + "' must be an id (a UUID string).");
    }

    /** An optional boolean: absent or null is null; anything but true/false is refused. */
    public Boolean optionalBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw refuse("'" + field + "' must be true or false.");
        }
        return v.booleanValue();
    }

    /** The field as text whatever it holds ("" when absent or not a value), for rules that judge text alone. */
    public String text(String field) {
        return node.path(field).asText("");
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
