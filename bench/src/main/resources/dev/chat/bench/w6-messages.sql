-- W6's history, written straight into PostgreSQL as a migration from another system would: every
-- conversation of the bench user gets as many
-- messages, alternately from the user and the peer, one a few minutes apart over about two years,
-- each of 3 to 23 words from a vocabulary of 20,000 whose frequencies fall as 1/rank (Zipf, as in
-- real text): the first words are in most messages, the last in a few dozen. About one message in
-- 30 carries a link. The vocabulary: about 120 real words first (so stemming has work to do), then
-- made-up words of two or three syllables, some with an English ending.
CREATE TEMP TABLE w6_vocab (rank int PRIMARY KEY, word text NOT NULL);
INSERT INTO w6_vocab
SELECT row_number() OVER (), w FROM unnest(string_to_array(
    'the to and a i you it is of in that for we on this have be with are not can so just do but was will at it''s '
    || 'what if me my about get out there know like they think all one up now time from going our an your good '
    || 'deploy deploying deployed meeting meetings release review build tests failing fixed server database '
    || 'tomorrow today morning lunch coffee weekend office remote call calls plan plans customer customers '
    || 'issue issues branch merge merged rollback latency dashboard alert alerts incident postmortem budget '
    || 'invoice contract design designs mockup sprint standup retro ticket tickets password login browser '
    || 'mobile android iphone laptop screen keyboard network wifi printer calendar holiday flight hotel '
    || 'birthday dinner pizza football concert', ' ')) AS w;
INSERT INTO w6_vocab
SELECT 1000 + i, s1 || s2 || CASE WHEN i >= 1600 THEN s3 ELSE '' END || e
FROM generate_series(0, 20000 - 1 - (SELECT count(*) FROM w6_vocab)::int) i,
     LATERAL (SELECT (ARRAY['ka','lo','mi','nu','pe','ra','si','to','vu','ze','bra','cle','dri','fo','gla','hu',
                            'jo','kri','lu','mo','ne','pla','qui','ro','ste','tra','ul','ver','wo','xa','yo','zu',
                            'ban','cor','del','fen','gor','hal','ist','jun'])[1 + i % 40] AS s1,
                     (ARRAY['ta','ri','no','ge','ba','li','mu','sa','de','ko','vi','pa','re','lo','ma','ne',
                            'to','ra','si','fu','go','he','ju','ki','la','mo','nu','po','ru','se','ti','vo',
                            'wa','xe','ya','zo','bi','ce','da','fa'])[1 + (i / 40) % 40] AS s2,
                     (ARRAY['n','r','s','l','m','x','t','k','nd','rt','st','lk'])[1 + (i / 1600) % 12] AS s3,
                     (ARRAY['','','','ing','ed','s','er','ly'])[1 + (i / 19200 + i * 7) % 8] AS e) parts;
UPDATE w6_vocab SET rank = r.n FROM (SELECT rank AS old, row_number() OVER (ORDER BY rank) AS n FROM w6_vocab) r
WHERE w6_vocab.rank = r.old;
ANALYZE w6_vocab;

INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at)
SELECT c.conversation_id, s, CASE WHEN s % 2 = 0 THEN ?::uuid ELSE c.peer END, 'w6-' || c.n || '-' || s,
       (SELECT string_agg(v.word, ' ')
        FROM (SELECT least(20000, floor(exp(random() * ln(20000.0)))::int) AS r
              FROM generate_series(1, 3 + (random() * 20)::int + 0 * s)) k
        JOIN w6_vocab v ON v.rank = k.r)
       || CASE WHEN random() < 1.0 / 30 THEN ' https://example.com/w6/' || s ELSE '' END,
       now() - make_interval(mins => ((? - s) * 4 + c.n)::int)
FROM (SELECT me.conversation_id, other.user_id AS peer, row_number() OVER (ORDER BY me.conversation_id) AS n
      FROM conversation_members me JOIN conversation_members other
        ON other.conversation_id = me.conversation_id AND other.user_id <> me.user_id
      WHERE me.user_id = ?::uuid) c,
     generate_series(1, ?) s;
