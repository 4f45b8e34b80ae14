package dev.chat.api.calls;

import java.util.UUID;

/**
 * What ends when a person, or one device of theirs, goes: their 1:1 call and their place in a
 * huddle, each tried even if the other failed. A person goes offline when their last socket closes
 * anywhere, or their node dies and is swept; a device goes when its socket closes, though its
 * person may stay online on others (a call and a huddle belong to the device that joined them).
 *
 * @param calls   the 1:1 calls
 * @param huddles the channels' huddles
 */
public record Departures(Calls calls, Huddles huddles) {
    /** No device of {@code user} is left: their call is hung up, they leave their huddle. */
    public void offline(UUID user) {
        try {
            calls.offline(user);
        } finally {
            huddles.offline(user);
        }
    }

    /** The socket {@code session} of {@code user} closed: the call or huddle on that device is over for it. */
    public void sessionClosed(UUID user, UUID session) {
        try {
            calls.sessionClosed(user, session);
        } finally {
            huddles.sessionClosed(user, session);
        }
    }
}
