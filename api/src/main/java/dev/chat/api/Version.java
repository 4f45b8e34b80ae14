package dev.chat.api;

/** The version this build reports to operators (heartbeats, the nodes list). */
public final class Version {
    public static final String CURRENT = "0.1.0";

    private Version() {
    }
}
