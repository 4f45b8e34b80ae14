-- The migration path's copy checked (bench/pg/partitions.sh): the partitioned table holds the same
-- rows, and keeps every rule messages kept. Fails (ON_ERROR_STOP) at the first that does not hold.
DO $$
DECLARE
    n_plain bigint; n_part bigint; n_keys bigint; c uuid; u uuid;
BEGIN
    SELECT count(*) INTO n_plain FROM messages;
    SELECT count(*) INTO n_part FROM messages_p;
    SELECT count(*) INTO n_keys FROM message_keys;
    IF n_plain <> n_part OR n_plain <> n_keys THEN
        RAISE EXCEPTION 'copy incomplete: % messages, % in messages_p, % keys', n_plain, n_part, n_keys;
    END IF;
    IF EXISTS (SELECT 1 FROM messages m FULL JOIN messages_p p USING (id)
               WHERE m.id IS NULL OR p.id IS NULL OR (m.conversation_id, m.seq, m.body, m.search, m.has_link)
                     IS DISTINCT FROM (p.conversation_id, p.seq, p.body, p.search, p.has_link)) THEN
        RAISE EXCEPTION 'a row differs between messages and messages_p';
    END IF;
    IF (SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages_p'::regclass) <> 16 THEN
        RAISE EXCEPTION 'not 16 partitions';
    END IF;
    SELECT conversation_id, sender_id INTO c, u FROM messages_p WHERE seq = 1 LIMIT 1;
    BEGIN   -- (conversation_id, seq) is still unique
        INSERT INTO messages_p (conversation_id, seq, sender_id, client_msg_id, body) VALUES (c, 1, u, 'check-1', 'x');
        RAISE EXCEPTION 'a second message took seq 1';
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
    BEGIN   -- a clientMsgId is still unique per sender across conversations
        INSERT INTO message_keys SELECT sender_id, client_msg_id, (SELECT id FROM conversations WHERE id <> k.conversation_id LIMIT 1), 99999999
        FROM message_keys k LIMIT 1;
        RAISE EXCEPTION 'a clientMsgId was taken twice';
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
    BEGIN   -- a reaction still needs its message
        INSERT INTO reactions (conversation_id, seq, emoji, user_id) VALUES (c, 99999999, 'x', u);
        RAISE EXCEPTION 'a reaction without its message was accepted';
    EXCEPTION WHEN foreign_key_violation THEN NULL;
    END;
    BEGIN   -- and a message with reactions goes with them (ON DELETE CASCADE through the partition)
        SELECT conversation_id, seq INTO c, n_keys FROM reactions LIMIT 1;
        DELETE FROM messages_p WHERE conversation_id = c AND seq = n_keys;
        IF EXISTS (SELECT 1 FROM reactions WHERE conversation_id = c AND seq = n_keys) THEN
            RAISE EXCEPTION 'a deleted message kept its reactions';
        END IF;
        RAISE EXCEPTION 'undo the delete' USING ERRCODE = 'P0002';
    EXCEPTION WHEN no_data_found THEN NULL;
    END;
END $$;
SELECT 'checked: same rows in messages and messages_p, (conversation_id, seq) unique, clientMsgId unique across chats, reactions need their message';
