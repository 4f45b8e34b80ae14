-- V17: search (issue 19) without reading what cannot match.
--
-- A phrase ("you and") or a word the parser splits (user_id) is two or more words next to each
-- other. The full-text index knows which messages hold each word but not where, so for a phrase of
-- common words it offers every message holding both (61,000 of 1,000,000 for "you and", where 5,200
-- hold the phrase) and each has to be read to check. Here every message also has the pairs of
-- words that follow each other in it (as written, lowercased: the simple configuration), hashed
-- into 65,536 buckets, in a GIN index over the expression (no column: the table does not grow).
-- A phrase's own pairs then select its messages almost exactly; the few others that share a bucket
-- are dropped by the phrase check itself, which stays. Hashing keeps the index small (46 MB for
-- W6's million messages, against 265 MB for the pairs as text) and its upkeep cheap.
--
-- hashtext is stable across PostgreSQL releases; if one ever changed it, this index would need a
-- REINDEX after the upgrade (as hash indexes would).
CREATE FUNCTION search_pairs(body text) RETURNS int[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(array_agg(hashtext(w.word || ' ' || w.next) & 65535) FILTER (WHERE w.gap = 1), '{}')
    FROM (SELECT t.lexeme AS word, lead(t.lexeme) OVER byPosition AS next, lead(p) OVER byPosition - p AS gap
          FROM unnest(to_tsvector('simple', body)) t, unnest(t.positions) p
          WINDOW byPosition AS (ORDER BY p)) w;
END;

CREATE INDEX messages_search_pairs_idx ON messages USING gin (search_pairs(body));

-- The pairs of a query's terms (words and phrases), each once: empty when no term has two words.
CREATE FUNCTION search_term_pairs(terms text[]) RETURNS int[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT DISTINCT p FROM unnest(terms) t, unnest(search_pairs(t)) p ORDER BY p);

-- has=link with words: the words among the messages with a link only (a few percent of them), so a
-- common word with a link is found without reading every message with the word, or every link.
CREATE INDEX messages_search_link_idx ON messages USING gin (search) WHERE has_link;
