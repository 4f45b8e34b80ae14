package dev.chat.api.search;

import dev.chat.api.http.ChatException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a message search starts, handed to the client as an opaque string. By
 * relevance: the window of matches being ranked ({@code top}: ids below it; {@code bottom}: its
 * oldest id, 0 when the window runs to the oldest match) and the last result given (rank, id; an
 * infinite rank for "from the window's start"). By recency: the last id given. {@code query} is a
 * fingerprint of the query and filters, so a cursor is refused with any other search. Immutable.
 */
record SearchCursor(int query, boolean relevance, long top, long bottom, float rank, long id) {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** The start of a relevance window. */
    static SearchCursor windowStart(int query, long top, long bottom) {
        return new SearchCursor(query, true, top, bottom, Float.POSITIVE_INFINITY, Long.MAX_VALUE);
    }

    String encode() {
        String plain = relevance
                ? "r." + Integer.toHexString(query) + "." + top + "." + bottom + "." + Integer.toHexString(Float.floatToRawIntBits(rank)) + "." + id
                : "n." + Integer.toHexString(query) + "." + id;
        return ENCODER.encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor {@code raw} encodes, for the search whose fingerprint is {@code query}. */
    static SearchCursor decode(String raw, int query) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII).split("\\.", -1);
            boolean relevance = p[0].equals("r") && p.length == 6;
            if (!relevance && !(p[0].equals("n") && p.length == 3)) {
                throw new IllegalArgumentException("shape");
            }
            SearchCursor c = relevance
                    ? new SearchCursor(Integer.parseUnsignedInt(p[1], 16), true, Long.parseLong(p[2]), Long.parseLong(p[3]),
                            Float.intBitsToFloat(Integer.parseUnsignedInt(p[4], 16)), Long.parseLong(p[5]))
                    : new SearchCursor(Integer.parseUnsignedInt(p[1], 16), false, 0, 0, 0, Long.parseLong(p[2]));
            if (Float.isNaN(c.rank) || c.top < 0 || c.bottom < 0 || c.id < 0) {
                throw new IllegalArgumentException("range");
            }
            if (c.query != query) {
                throw ChatException.validation("This 'cursor' belongs to another search: pass the same 'q' and filters as the page it came with.");
            }
            return c;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw ChatException.validation("'cursor' is not one this server gave: pass the 'next' of the previous page.");
        }
    }
}
