package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.presence.Presence;
import dev.chat.presence.PresenceStore;
import dev.chat.presence.PresenceUnavailableException;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessClaims;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence for people who may see it. Who may see a user's presence: the user, everyone who
 * shares a conversation with them, and the people they added as contacts (their choice, never
 * the other way round). {@code GET /api/presence?users=…} answers only for those users (others are
 * left out, not refused, so ids reveal nothing); transitions reported by ws-nodes are pushed to the same audience; and a sweeper takes
 * the users of crashed nodes offline. Memcached being away makes presence {@code unknown}.
 */
public final class PresenceService implements HttpService, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PresenceService.class.getName());
    static final int MAX_USERS_PER_QUERY = 200;

    /** One user's presence as clients see it. */
    public record View(UUID user, String state, Instant lastSeen) {
    }

    private final Db db;
    private final PeopleStore people = new PeopleStore();
    private final PresenceStore store;
    private final EventPublisher publisher;
    private final Authenticator auth;
    private final Json json;
    private volatile java.util.function.Consumer<UUID> sweptOffline = u -> { };
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("presence-sweeper").daemon().factory());

    public PresenceService(Db db, PresenceStore store, EventPublisher publisher, Authenticator auth, Json json) {
        this.db = db;
        this.store = store;
        this.publisher = publisher;
        this.auth = auth;
        this.json = json;
    }

    public void start() {
        sweeper.scheduleWithFixedDelay(this::sweepOnce, 2, 2, TimeUnit.SECONDS);
    }

    /** Told of each user the sweeper takes offline (their node died with them): what they were in ends, as when a node says so. */
    public void onSweptOffline(java.util.function.Consumer<UUID> listener) {
        this.sweptOffline = listener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/presence", this::query);
    }

    private void query(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String raw = req.query().first("users").orElse("");
        Set<UUID> asked = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                asked.add(UUID.fromString(part.strip()));
            } catch (IllegalArgumentException e) {
                throw ChatException.validation("'users' must be a comma-separated list of user ids.");
            }
        }
        if (asked.isEmpty() || asked.size() > MAX_USERS_PER_QUERY) {
            throw ChatException.validation("'users' must name 1 to " + MAX_USERS_PER_QUERY + " user ids.");
        }
        List<UUID> visible = visibleTo(me.userId(), asked);
        List<View> out = new ArrayList<>();
        try {
            Map<UUID, Presence> found = store.read(visible);
            for (UUID u : visible) {
                Presence p = found.get(u);
                out.add(new View(u, p.state().wire(), p.lastSeen()));
            }
        } catch (PresenceUnavailableException e) {
            visible.forEach(u -> out.add(new View(u, Presence.State.UNKNOWN.wire(), null)));
        }
        json.ok(res, Map.of("presence", out));
    }

    /** A ws-node reports a transition: tell everyone who may see it (and the user's own devices). */
    public void announce(UUID user, String state) {
        Instant lastSeen = "offline".equals(state) ? Instant.now() : null;
        try { // for operators (the admin user list): when the account was last online
            people.seen(db.client().execute(), user);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "last seen not recorded", e);
        }
        List<UUID> audience = audienceOf(user);
        var data = json.object().put("user", user.toString()).put("state", state);
        if (lastSeen != null) {
            data.put("lastSeen", lastSeen.toString());
        } else {
            data.putNull("lastSeen");
        }
        publisher.publish(Envelope.of(EventType.PRESENCE, null, null, Instant.now(), data, audience));
    }

    /** The user, everyone who shares a conversation with them, and the contacts they chose. */
    List<UUID> audienceOf(UUID user) {
        List<UUID> audience = new ArrayList<>();
        audience.add(user);
        audience.addAll(people.presenceAudience(db.client().execute(), user));
        return audience;
    }

    private List<UUID> visibleTo(UUID me, Set<UUID> asked) {
        List<UUID> visible = new ArrayList<>();
        if (asked.contains(me)) {
            visible.add(me);
        }
        people.presenceVisibleTo(db.client().execute(), me, asked).stream()
                .filter(u -> !u.equals(me))
                .forEach(visible::add);
        return visible;
    }

    void sweepOnce() {
        try {
            for (String dead : store.deadNodes()) {
                Set<UUID> offline = store.sweep(dead);
                if (!offline.isEmpty()) {
                    LOG.log(Level.INFO, "node {0} is gone: {1} users offline", new Object[]{dead, offline.size()});
                }
                for (UUID u : offline) {
                    announce(u, "offline");
                    try {
                        sweptOffline.accept(u);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "what a user swept offline was in was not ended", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "presence sweep failed", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
