-- V13: search (issue 19). Messages carry a full-text vector kept by PostgreSQL itself (a stored
-- generated column, so every insert, edit and tombstone keeps it true with no code on the write
-- path), indexed with GIN; names of people are found by any part through trigram indexes.

-- Trigrams make "contains" (LIKE '%…%') on names an index search. pg_trgm is a trusted extension
-- (PostgreSQL 13+): the database's owner, the application's role, may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Two halves in one vector: the English configuration (stemmed: "deploying" finds "deploy"; stop
-- words left out) weighted B, and the simple one (every word as written, lowercased: names, code,
-- other languages, stop words) weighted A. A query asks both (see search_term), and an exact word
-- outranks a stemmed one. The weights also keep a phrase inside one half: the second half's
-- positions follow the first's, so without them the last word of the first half and the first of
-- the second would read as adjacent. A tombstone's text is '' and its vector empty.
ALTER TABLE messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('simple', body), 'A')) STORED,
    -- "has a link": the web client links http and https URLs only, so those are what counts
    ADD COLUMN has_link boolean GENERATED ALWAYS AS (body ~* 'https?://[^[:space:]]') STORED;

CREATE INDEX messages_search_idx ON messages USING gin (search);
-- the messages with a link, for has=link without words (few, so a small index)
CREATE INDEX messages_has_link_idx ON messages (id) WHERE has_link;

-- People and groups by any part of their name.
CREATE INDEX users_username_trgm_idx ON users USING gin (username gin_trgm_ops);
CREATE INDEX users_display_name_trgm_idx ON users USING gin (lower(display_name) gin_trgm_ops);

-- Every lexeme of a tsquery restricted to one weight (one half of the vector): 'word' becomes
-- 'word':A, a prefix 'wor':* becomes 'wor':*A (quotes inside a lexeme are doubled, backslashes escaped).
CREATE FUNCTION search_weighted(q tsquery, weight text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(q::text, '(''(?:[^''\\]|''''|\\.)*'')(:(\*))?', '\1:\3' || weight, 'g')::tsquery;

-- One word or "a phrase" as the user typed it: stemmed in the English half, or as written in the
-- simple half. Words the parser splits (user_id, e-mail) are a phrase of their parts, as in the text.
CREATE FUNCTION search_term(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN search_weighted(phraseto_tsquery('english', words), 'B')
        || search_weighted(phraseto_tsquery('simple', words), 'A');

-- prefix*: any word as written that starts with it.
CREATE FUNCTION search_prefix(start text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN search_weighted(to_tsquery('simple', '''' || replace(replace(start, '\', '\\'), '''', '''''') || ''':*'), 'A');

CREATE AGGREGATE search_and(tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

-- The whole query: every term and prefix must match, no excluded term may. NULL when nothing
-- positive is left once parsed (only punctuation, say): such a query finds nothing, rather than
-- everything that lacks the excluded words.
CREATE FUNCTION search_query(terms text[], prefixes text[], excluded text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN numnode(coalesce(p.q, ''::tsquery)) = 0 THEN NULL
                ELSE p.q && coalesce((SELECT search_and(!! search_term(x)) FROM unnest(excluded) x
                                      WHERE numnode(search_term(x)) > 0), ''::tsquery) END
    FROM (SELECT search_and(q) AS q FROM (
              SELECT search_term(t) FROM unnest(terms) t
              UNION ALL
              SELECT search_prefix(s) FROM unnest(prefixes) s) AS parts(q)
          WHERE numnode(q) > 0) p;
END;
