package dev.chat.api.calls;

/**
 * The text of a call's record in the conversation's history (docs/PROTOCOL.md, "Calls"): a message
 * of the caller's whose {@code clientMsgId} is {@code call:<call id>}, an id no client can send.
 */
final class CallRecords {
    private CallRecords() {
    }

    static String text(CallStore.Call c) {
        String icon = c.video() ? "📹" : "📞";
        String kind = c.video() ? "video call" : "voice call";
        return switch (c.reason()) {
            case "hangup" -> icon + " " + (c.video() ? "Video call" : "Voice call") + " · " + duration(c.durationMs());
            case "cancelled" -> icon + " Cancelled " + kind;
            case "rejected" -> icon + " Declined " + kind;
            case "busy" -> icon + " Missed " + kind + " (busy)";
            default -> icon + " Missed " + kind;
        };
    }

    /** 0:07, 12:34, 1:02:03. */
    static String duration(long ms) {
        long s = ms / 1000;
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
