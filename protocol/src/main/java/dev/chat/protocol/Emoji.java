package dev.chat.protocol;

import java.util.regex.Pattern;

/**
 * Whether a string is exactly one emoji as people type and pick them: a pictograph with emoji
 * presentation, or any emoji made so by U+FE0F, a keycap, a skin tone, a flag (two regional
 * indicators or a tag sequence), or a ZWJ sequence of those. Digits, letters, "©" without U+FE0F,
 * two emoji, markup and spaces are not. The rule of a reaction, by WebSocket ({@link ClientFrames})
 * and by REST alike.
 */
public final class Emoji {
    static final int MAX_CHARS = 32;
    /** The refusal of anything else, in either door. */
    public static final String NOT_ONE = "'emoji' must be exactly one emoji.";
    private static final Pattern ONE_GRAPHEME = Pattern.compile("\\X");

    private Emoji() {
    }

    private static boolean joinable(int cp) {
        return Character.isEmoji(cp) && !Character.isEmojiModifier(cp) && cp != 0x200D && cp != 0xFE0F && cp != 0x20E3;
    }

    public static boolean isOne(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_CHARS || !ONE_GRAPHEME.matcher(s).matches()) {
            return false;
        }
        int[] cps = s.codePoints().toArray();
        if (!Character.isEmoji(cps[0]) || Character.isEmojiModifier(cps[0])) {
            return false; // a lone variation selector, joiner, keycap mark or skin tone
        }
        boolean pictured = false;
        int regional = 0;
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (cp == 0x200D && (i == cps.length - 1 || !joinable(cps[i + 1]))) {
                return false; // a joiner must join two emoji: "👍\u200D" is a broken sequence
            }
            if (Character.isEmojiModifier(cp) && !Character.isEmojiModifierBase(cps[i - 1])) {
                return false; // a skin tone belongs right after a person or hand: "👍🏽🏽" is not one emoji
            }
            if (cp == 0xFE0F && !joinable(cps[i - 1])) {
                return false; // one variation selector, after an emoji
            }
            boolean part = Character.isEmoji(cp) || Character.isEmojiComponent(cp) || cp == 0x200D || cp == 0xFE0F
                    || cp == 0x20E3 || cp >= 0xE0020 && cp <= 0xE007F;
            if (!part) {
                return false;
            }
            if (cp >= 0x1F1E6 && cp <= 0x1F1FF) {
                regional++;
            }
            if (Character.isEmojiPresentation(cp) && !(cp >= 0x1F1E6 && cp <= 0x1F1FF) || cp == 0xFE0F || cp == 0x20E3
                    || Character.isEmojiModifier(cp)
                    || Character.isExtendedPictographic(cp) && cp >= 0x2000) {
                pictured = true;
            }
        }
        if (regional > 0) {
            return regional == 2 && cps.length == 2;
        }
        return pictured;
    }
}
