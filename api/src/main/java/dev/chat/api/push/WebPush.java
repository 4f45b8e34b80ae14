package dev.chat.api.push;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.http.Json;
import dev.chat.api.messaging.Outbox;
import dev.chat.presence.PresenceStore;

/**
 * Web Push wired: its routes, and (when a VAPID key is set) the decisions after each commit and
 * the sending. {@link #close} stops the sending.
 */
public record WebPush(PushService service, Pushes pushes) implements AutoCloseable {

    /** Web Push for this api instance; with no VAPID key the routes answer that it is off, and nothing is pushed. */
    public static WebPush start(PushSettings settings, Db db, Json json, Authenticator auth, PresenceStore presence, Outbox outbox) {
        PushStore store = new PushStore();
        if (!settings.enabled()) {
            return new WebPush(new PushService(db, store, null, settings, auth, json), null);
        }
        Vapid vapid = settings.vapid();
        Pushes pushes = new Pushes(db, store, presence, new PushSender(db, store, vapid), json);
        outbox.onCommitted(pushes::offer);
        return new WebPush(new PushService(db, store, vapid, settings, auth, json), pushes);
    }

    @Override
    public void close() {
        if (pushes != null) {
            pushes.close();
        }
    }
}
