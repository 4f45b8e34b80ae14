-- History for ./chat bench partitions (bench/pg/partitions.sh): :users people, :convs direct
-- chats, one of them holding :big messages and the others :per messages each, bodies of 5-40
-- words (a tenth with a link), reactions on one message in fifty. psql variables set by the caller.
INSERT INTO users (username, display_name, password_hash)
SELECT 'bench' || n, 'Bench ' || n, 'x' FROM generate_series(1, :users) n;

CREATE TABLE bench_users AS SELECT row_number() OVER (ORDER BY username) AS n, id FROM users;
ALTER TABLE bench_users ADD PRIMARY KEY (n);
INSERT INTO conversations (kind, direct_key) SELECT 'direct', 'bench-' || n FROM generate_series(1, :convs) n;
CREATE TABLE bench_convs AS SELECT row_number() OVER (ORDER BY direct_key) AS n, id FROM conversations;
ALTER TABLE bench_convs ADD PRIMARY KEY (n);

CREATE TABLE bench_words AS
SELECT array_agg(w) AS words FROM (SELECT unnest(string_to_array(
    'deploy friday release review merge branch ticket sprint lunch coffee meeting plan design test build ship '
    || 'customer invoice report budget travel hotel flight weekend party birthday photo video music game '
    || 'server database cache queue broker socket latency backup restore migrate partition replica index', ' ')) w) x;

INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at)
SELECT c.id, s.seq,
       (SELECT id FROM bench_users WHERE n = 1 + (c.n * 7 + s.seq) % :users),
       'b-' || c.n || '-' || s.seq,
       (SELECT string_agg(w.words[1 + ((c.n * 31 + s.seq * 17 + k * 13) % array_length(w.words, 1))], ' ')
        FROM generate_series(1, 5 + (s.seq % 36)) k, bench_words w)
         || CASE WHEN s.seq % 10 = 0 THEN ' https://example.com/' || s.seq ELSE '' END,
       now() - interval '1 second' * (:big - s.seq)
FROM bench_convs c
CROSS JOIN LATERAL generate_series(1, CASE WHEN c.n = 1 THEN :big ELSE :per END) s(seq);

UPDATE conversations c SET last_seq = (SELECT max(seq) FROM messages m WHERE m.conversation_id = c.id);
INSERT INTO conversation_members (conversation_id, user_id)
SELECT c.id, u.id FROM bench_convs c JOIN bench_users u ON u.n IN (1 + (c.n * 7) % :users, 1 + (c.n * 7 + 1) % :users)
ON CONFLICT DO NOTHING;
UPDATE messages SET version = 1 WHERE seq % 50 = 0;
INSERT INTO reactions (conversation_id, seq, emoji, user_id)
SELECT conversation_id, seq, '👍', sender_id FROM messages WHERE seq % 50 = 0;
VACUUM ANALYZE;
