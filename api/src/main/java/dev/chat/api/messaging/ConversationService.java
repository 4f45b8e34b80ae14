package dev.chat.api.messaging;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.accounts.UserStore;
import dev.chat.api.db.Db;
import dev.chat.api.db.ReplicaReads;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Params;
import dev.chat.api.http.Views;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.FrameType;
import dev.chat.tokens.AccessClaims;
import dev.chat.protocol.Message;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * People and conversations under {@code /api}: find a user, open a direct chat, list my
 * conversations, read history by seq cursor, send a message. Every route authenticates and checks
 * membership from the token's identity; a conversation I am not in is answered 404, the same as
 * one that does not exist, so ids reveal nothing.
 */
public final class ConversationService implements HttpService {
    private static final int MAX_PAGE = 100;
    private static final int INBOX_LIMIT = 500;

    private final Db db;
    private final UserStore users;
    private final ConversationStore conversations;
    private final Messaging messaging;
    private final Receipts receipts;
    private final Reactions reactions;
    private final ChatSettings settings;
    private final Authenticator auth;
    private final Json json;
    private final ClientFrames codec;
    private final ReplicaReads reads;

    public ConversationService(Db db, ReplicaReads reads, UserStore users, ConversationStore conversations, Messaging messaging,
                               Receipts receipts, Reactions reactions, ChatSettings settings, Authenticator auth, Json json) {
        this.reads = reads;
        this.reactions = reactions;
        this.receipts = receipts;
        this.settings = settings;
        this.db = db;
        this.users = users;
        this.conversations = conversations;
        this.messaging = messaging;
        this.auth = auth;
        this.json = json;
        this.codec = new ClientFrames(json.mapper());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/conversations", this::list)
                .post("/conversations", this::open)
                .get("/conversations/{id}", this::get)
                .patch("/conversations/{id}", this::change)
                .delete("/conversations/{id}", (req, res) -> json.ok(res, settings.delete(auth.require(req).userId(), conversationId(req))))
                .post("/conversations/{id}/clear", (req, res) -> json.ok(res, settings.clear(auth.require(req).userId(), conversationId(req))))
                .get("/conversations/{id}/messages", this::history)
                .post("/conversations/{id}/messages", this::send)
                .patch("/conversations/{id}/messages/{seq}", this::edit)
                .get("/conversations/{id}/messages/{seq}/readers", this::readers)
                .delete("/conversations/{id}/messages/{seq}", this::deleteMessage)
                .post("/conversations/{id}/messages/{seq}/hide",
                        (req, res) -> json.ok(res, settings.hide(auth.require(req).userId(), conversationId(req), pathSeq(req))))
                .put("/conversations/{id}/messages/{seq}/reactions/{emoji}", (req, res) -> react(req, res, true))
                .delete("/conversations/{id}/messages/{seq}/reactions/{emoji}", (req, res) -> react(req, res, false))
                .get("/conversations/{id}/changes", this::changes)
                .post("/conversations/{id}/read", (req, res) -> cursor(req, res, true))
                .post("/conversations/{id}/delivered", (req, res) -> cursor(req, res, false));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, new Views.ConversationList(conversations.listFor(db.client().execute(), me.userId(), INBOX_LIMIT)));
    }

    private void open(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        JsonBody body = json.body(req);
        String kind = body.string("kind", 1, 16);
        if (!"direct".equals(kind)) {
            throw ChatException.validation("'kind' must be \"direct\".");
        }
        String username = body.string("username", 1, 64).toLowerCase(Locale.ROOT);
        UserStore.Account peer = user(username);
        if (peer.id().equals(me.userId())) {
            throw ChatException.validation("You cannot open a direct chat with yourself.");
        }
        ConversationStore.Opened opened = messaging.openDirect(me.userId(), peer.id());
        Views.Conversation view = conversations.getFor(db.client().execute(), opened.id(), me.userId())
                    .orElseThrow(() -> new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
        json.send(res, opened.created() ? Status.CREATED_201 : Status.OK_200, view);
    }

    private void get(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        json.ok(res, conversations.getFor(db.client().execute(), id, me.userId()).orElseThrow(ConversationService::notFound));
    }

    private void history(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        Long before = seqParam(req, "before");
        Long after = seqParam(req, "after");
        Long around = seqParam(req, "around");
        if ((before != null ? 1 : 0) + (after != null ? 1 : 0) + (around != null ? 1 : 0) > 1) {
            throw ChatException.validation("Give one of 'before', 'after' and 'around', not more.");
        }
        if (around != null && around < 1) {
            throw ChatException.validation("'around' must be a seq, 1 or more.");
        }
        int limit = Optional.ofNullable(seqParam(req, "limit")).map(Long::intValue).orElse(50);
        if (limit < 1 || limit > MAX_PAGE) {
            throw ChatException.validation("'limit' must be 1 to " + MAX_PAGE + ".");
        }
        // on the replica when it has replayed every write made before this request (ReplicaReads)
        record Read(ConversationStore.Cursors mine, Views.MessagePage page) { }
        Read read = reads.read(exec -> {
            ConversationStore.Cursors cursors = conversations.cursors(exec, id, me.userId()).orElseThrow(ConversationService::notFound);
            return new Read(cursors, conversations.page(exec, id, cursors, before, after, around, limit));
        });
        ConversationStore.Cursors mine = read.mine();
        Views.MessagePage page = read.page();
        // a device that fetched messages holds them: that is "delivered" (guarantee 7, by sync);
        // older pages, and a newest page already delivered, change nothing and cost no transaction
        java.util.OptionalLong newest = page.messages().stream().mapToLong(Message::seq).max();
        if (newest.isPresent() && newest.getAsLong() > mine.deliveredSeq()) {
            receipts.delivered(me.userId(), id, newest.getAsLong());
        }
        json.ok(res, page);
    }

    private void react(ServerRequest req, ServerResponse res, boolean on) {
        AccessClaims me = auth.require(req);
        json.ok(res, reactions.set(me.userId(), conversationId(req), pathSeq(req), req.path().pathParameters().get("emoji"), on));
    }

    /** Messages edited, deleted or reacted to after {@code since}: what a client that was away missed. */
    private void changes(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        Long since = seqParam(req, "since");
        if (since == null) {
            throw ChatException.validation("'since' is required: the highest version you hold (0 for all).");
        }
        int limit = Optional.ofNullable(seqParam(req, "limit")).map(Long::intValue).orElse(MAX_PAGE);
        if (limit < 1 || limit > MAX_PAGE) {
            throw ChatException.validation("'limit' must be 1 to " + MAX_PAGE + ".");
        }
        var exec = db.client().execute();
        ConversationStore.Cursors mine = conversations.cursors(exec, id, me.userId()).orElseThrow(ConversationService::notFound);
        json.ok(res, conversations.changes(exec, id, mine.clearedSeq(), since, limit));
    }

    private void change(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        JsonBody body = json.body(req);
        ChatSettings.Change change = new ChatSettings.Change(body.optionalBoolean("pinned"),
                body.optionalBoolean("archived"), body.optionalBoolean("muted"));
        if (change.pinned() == null && change.archived() == null && change.muted() == null) {
            throw ChatException.validation("Give at least one of 'pinned', 'archived', 'muted'.");
        }
        json.ok(res, settings.change(me.userId(), id, change));
    }

    private void edit(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        long seq = pathSeq(req);
        String text = json.body(req).string("text", 1, Messaging.MAX_TEXT);
        json.ok(res, messaging.edit(me.userId(), id, seq, text));
    }

    private void readers(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        long seq = pathSeq(req);
        var exec = db.client().execute();
        if (!conversations.isMember(exec, id, me.userId())) {
            throw notFound();
        }
        conversations.bySeq(exec, id, seq).orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No such message."));
        json.ok(res, conversations.readers(exec, id, me.userId(), seq));
    }

    private void deleteMessage(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, messaging.delete(me.userId(), conversationId(req), pathSeq(req)));
    }

    private static long pathSeq(ServerRequest req) {
        try {
            long seq = Long.parseLong(req.path().pathParameters().get("seq"));
            if (seq < 1) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No such message.");
        }
    }

    private void cursor(ServerRequest req, ServerResponse res, boolean read) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        if (read) {
            json.ok(res, receipts.read(me.userId(), id, frame(FrameType.READ, id, req, ClientFrame.Read.class).seq()));
        } else {
            json.ok(res, receipts.delivered(me.userId(), id, frame(FrameType.DELIVERED, id, req, ClientFrame.Delivered.class).seq()));
        }
    }

    private void send(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = conversationId(req);
        ConversationStore.Sent sent = messaging.send(me.userId(), frame(FrameType.SEND, id, req, ClientFrame.Send.class));
        json.send(res, sent.created() ? Status.CREATED_201 : Status.OK_200, sent.message());
    }

    private UserStore.Account user(String username) {
        return users.byUsername(db.client().execute(), username)
                .filter(a -> !a.disabled())
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No user is called '" + username + "'."));
    }

    /**
     * The frame a REST body stands for ({@code POST …/messages} is a send, {@code …/read} a read),
     * read by the frames' codec so that a field is refused the same way by either door.
     */
    private <T extends ClientFrame> T frame(FrameType type, UUID conversation, ServerRequest req, Class<T> as) {
        ClientFrame f = codec.decode(type, "", conversation, json.body(req).node());
        if (f instanceof ClientFrame.Refused r) {
            throw new ChatException(r.code(), r.detail());
        }
        return as.cast(f);
    }

    private static UUID conversationId(ServerRequest req) {
        return Params.pathId(req, "id", ConversationService::notFound);
    }

    private static Long seqParam(ServerRequest req, String name) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return null;
        }
        try {
            long v = Long.parseLong(raw.get());
            if (v < 0) {
                throw ChatException.validation("'" + name + "' must not be negative.");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ChatException.validation("'" + name + "' must be a whole number.");
        }
    }

    private static ChatException notFound() {
        return new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
    }
}
