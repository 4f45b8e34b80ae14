package dev.chat.api.groups;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Groups, their members and roles, and their channels in PostgreSQL. Every group member is a
 * member of every channel (a {@code conversation_members} row per channel), kept in step here.
 */
public final class GroupStore {
    /** A member as listed to other members. */
    public record Member(UUID id, String username, String displayName, String role) {
    }

    /** A channel as listed in its group. */
    public record Channel(UUID id, String name, boolean archived) {
    }

    /** A group as one member sees it. */
    public record Group(UUID id, String name, String description, String myRole, long memberCount, List<Channel> channels) {
    }

    public UUID create(DbExecute tx, String name, String description, UUID owner) {
        UUID id = Db.uuid(tx.get("INSERT INTO groups (name, description) VALUES (?, ?) RETURNING id", name, description)
                .orElseThrow(), "id");
        tx.insert("INSERT INTO group_members (group_id, user_id, role) VALUES (?::uuid, ?::uuid, 'owner')", id, owner);
        createChannel(tx, id, "general");
        return id;
    }

    /** Locks the group row: membership changes of one group are serialised (the 500 limit holds). */
    public Optional<String> lockAndRole(DbExecute tx, UUID group, UUID user) {
        if (tx.get("SELECT id FROM groups WHERE id = ?::uuid FOR UPDATE", group).isEmpty()) {
            return Optional.empty();
        }
        return role(tx, group, user);
    }

    public Optional<String> role(DbExecute db, UUID group, UUID user) {
        return db.get("SELECT role FROM group_members WHERE group_id = ?::uuid AND user_id = ?::uuid", group, user)
                .map(r -> Db.string(r, "role"));
    }

    public long memberCount(DbExecute db, UUID group) {
        return Db.longValue(db.get("SELECT count(*) AS n FROM group_members WHERE group_id = ?::uuid", group).orElseThrow(), "n");
    }

    public List<UUID> memberIds(DbExecute db, UUID group) {
        return db.query("SELECT user_id FROM group_members WHERE group_id = ?::uuid", group)
                .map(r -> Db.uuid(r, "user_id")).toList();
    }

    public List<Member> members(DbExecute db, UUID group) {
        return db.query("""
                SELECT u.id, u.username, u.display_name, gm.role FROM group_members gm JOIN users u ON u.id = gm.user_id
                WHERE gm.group_id = ?::uuid
                ORDER BY CASE gm.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.username""", group)
                .map(r -> new Member(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"), Db.string(r, "role")))
                .toList();
    }

    /** Adds a member to the group and to every channel of it, so they see all channels at once. */
    public void addMember(DbExecute tx, UUID group, UUID user, String role) {
        tx.insert("INSERT INTO group_members (group_id, user_id, role) VALUES (?::uuid, ?::uuid, ?)", group, user, role);
        tx.insert("""
                INSERT INTO conversation_members (conversation_id, user_id, delivered_seq, read_seq)
                SELECT id, ?::uuid, last_seq, last_seq FROM conversations WHERE group_id = ?::uuid
                ON CONFLICT DO NOTHING""", user, group);
    }

    /** Removes a member from the group and every channel: they stop receiving at once. */
    public void removeMember(DbExecute tx, UUID group, UUID user) {
        tx.delete("""
                DELETE FROM conversation_members WHERE user_id = ?::uuid
                AND conversation_id IN (SELECT id FROM conversations WHERE group_id = ?::uuid)""", user, group);
        tx.delete("DELETE FROM group_members WHERE group_id = ?::uuid AND user_id = ?::uuid", group, user);
    }

    public void setRole(DbExecute tx, UUID group, UUID user, String role) {
        tx.update("UPDATE group_members SET role = ? WHERE group_id = ?::uuid AND user_id = ?::uuid", role, group, user);
    }

    /** A new channel with every group member in it. */
    public UUID createChannel(DbExecute tx, UUID group, String name) {
        UUID id = Db.uuid(tx.get("INSERT INTO conversations (kind, group_id, name) VALUES ('channel', ?::uuid, ?) RETURNING id",
                group, name).orElseThrow(), "id");
        tx.insert("""
                INSERT INTO conversation_members (conversation_id, user_id)
                SELECT ?::uuid, user_id FROM group_members WHERE group_id = ?::uuid""", id, group);
        return id;
    }

    public Optional<Channel> channel(DbExecute db, UUID group, UUID channel) {
        return db.get("SELECT id, name, archived FROM conversations WHERE id = ?::uuid AND group_id = ?::uuid", channel, group)
                .map(GroupStore::channel);
    }

    public Optional<Group> view(DbExecute db, UUID group, UUID me) {
        return db.get("""
                SELECT g.id, g.name, g.description, gm.role,
                       (SELECT count(*) FROM group_members x WHERE x.group_id = g.id) AS member_count
                FROM groups g JOIN group_members gm ON gm.group_id = g.id AND gm.user_id = ?::uuid
                WHERE g.id = ?::uuid""", me, group)
                .map(r -> new Group(Db.uuid(r, "id"), Db.string(r, "name"), Db.string(r, "description"), Db.string(r, "role"),
                        Db.longValue(r, "member_count"), channels(db, group)));
    }

    /** My groups; one deleted, or that I left, between the two reads is left out (was a 500). */
    public List<Group> groupsOf(DbExecute db, UUID me) {
        return db.query("SELECT group_id FROM group_members WHERE user_id = ?::uuid", me)
                .map(r -> Db.uuid(r, "group_id")).toList().stream()
                .flatMap(g -> view(db, g, me).stream()).toList();
    }

    private List<Channel> channels(DbExecute db, UUID group) {
        return db.query("SELECT id, name, archived FROM conversations WHERE group_id = ?::uuid ORDER BY name", group)
                .map(GroupStore::channel).toList();
    }

    private static Channel channel(DbRow r) {
        return new Channel(Db.uuid(r, "id"), Db.string(r, "name"), Boolean.TRUE.equals(Db.value(r, "archived")));
    }

    /** Renames or describes the group (null: kept). */
    public void describe(DbExecute tx, UUID group, String name, String description) {
        tx.update("UPDATE groups SET name = coalesce(?, name), description = coalesce(?, description) WHERE id = ?::uuid",
                name, description, group);
    }

    /** The group goes, with its channels, their messages and its invites (foreign keys cascade). */
    public void delete(DbExecute tx, UUID group) {
        tx.delete("DELETE FROM groups WHERE id = ?::uuid", group);
    }

    /** Renames or (un)archives a channel (null: kept); a name taken in the group is a unique violation. */
    public void changeChannel(DbExecute tx, UUID channel, String name, Boolean archived) {
        tx.update("UPDATE conversations SET name = coalesce(?, name), archived = coalesce(?::boolean, archived) "
                + "WHERE id = ?::uuid", name, archived, channel);
    }

    public void deleteChannel(DbExecute tx, UUID channel) {
        tx.delete("DELETE FROM conversations WHERE id = ?::uuid", channel);
    }
}
