// The search field's language (docs/PROTOCOL.md, "Search"): words that must all match,
// "a quoted phrase", prefix*, -excluded, and filters typed in the same field: in:CHAT,
// from:USERNAME, has:file|picture|link, after:DATE, before:DATE (YYYY-MM-DD or an ISO instant).
// The words go to the server as they were typed (the server parses them the same way); the
// filters become its parameters. The filter buttons of the search screen edit the same text, so
// what is typed and what is pressed never disagree. No DOM.

/** The filter keys, and the words has: takes (each to the server's value). */
export const FILTERS = ['in', 'from', 'has', 'after', 'before'];
export const HAS = {
  file: 'file', files: 'file', attachment: 'file', attachments: 'file',
  image: 'image', images: 'image', picture: 'image', pictures: 'image', photo: 'image', photos: 'image',
  link: 'link', links: 'link', url: 'link',
};
export const MAX_Q = 200;   // characters of words the server takes
export const MAX_TERMS = 16; // words, phrases and prefixes it takes

/**
 * The typed text in tokens: {raw, key, value, negated, quoted}. key is a filter's name or null; a
 * quoted token runs to the next quote (or the end, while it is being typed).
 */
export function tokens(text) {
  const out = [];
  const s = String(text || '');
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i])) { i++; continue; }
    const start = i;
    let key = null;
    const head = /^([a-z]+):(?=\S)/i.exec(s.slice(i));
    if (head && FILTERS.includes(head[1].toLowerCase())) { key = head[1].toLowerCase(); i += head[0].length; }
    const negated = !key && s[i] === '-' && i + 1 < s.length && !/\s/.test(s[i + 1]);
    if (negated) i++;
    let value;
    let quoted = false;
    if (s[i] === '"') {
      quoted = true;
      const close = s.indexOf('"', i + 1);
      const end = close < 0 ? s.length : close;
      value = s.slice(i + 1, end);
      i = close < 0 ? s.length : close + 1;
    } else {
      const end = s.slice(i).search(/\s/);
      value = end < 0 ? s.slice(i) : s.slice(i, i + end);
      i = end < 0 ? s.length : i + end;
    }
    out.push({ raw: s.slice(start, i), key, value, negated, quoted });
  }
  return out;
}

/** YYYY-MM-DD (a real day) or an ISO-8601 instant with its zone: the start of it, or null. */
export function parseDate(value) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(value + 'T00:00:00Z');
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) ? d : null;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/**
 * What the typed text asks for:
 *   terms: [{kind: 'word'|'prefix'|'phrase', text, negated}], the words as typed (text: without quotes or *),
 *   q: the words for the server (filters taken out), filters: {in, from, has: [], after, before},
 *   errors: what cannot be understood, in words (the search is not run while there are any).
 */
export function parseQuery(text) {
  const terms = [];
  const words = [];
  const filters = { in: null, from: null, has: [], after: null, before: null };
  const errors = [];
  for (const t of tokens(text)) {
    if (!t.key) {
      const body = t.value.trim();
      if (!body || body === '-' || body === '*') continue;
      words.push(t.raw);
      const kind = t.quoted ? 'phrase' : body.endsWith('*') ? 'prefix' : 'word';
      const term = { kind, text: kind === 'prefix' ? body.replace(/\*+$/, '') : body, negated: t.negated };
      if (kind === 'prefix' && [...term.text].length < 2) errors.push(`${body}: at least 2 characters before the *, please.`);
      terms.push(term);
      continue;
    }
    const value = t.value.trim();
    if (!value) continue;
    if (t.key === 'has') {
      const has = HAS[value.toLowerCase()];
      if (!has) errors.push(`has: takes file, picture or link, not “${value}”.`);
      else if (!filters.has.includes(has)) filters.has.push(has);
    } else if (t.key === 'after' || t.key === 'before') {
      if (!parseDate(value)) errors.push(`${t.key}: takes a date like 2026-03-01, not “${value}”.`);
      else filters[t.key] = value;
    } else if (t.key === 'from') {
      filters.from = value.replace(/^@/, '').toLowerCase();
    } else {
      filters.in = value;
    }
  }
  if (filters.after && filters.before && parseDate(filters.after) >= parseDate(filters.before)) {
    errors.push('after: must come before before:.');
  }
  const q = words.join(' ');
  if (q.length > MAX_Q) errors.push(`At most ${MAX_Q} characters of words, please.`);
  if (terms.length > MAX_TERMS) errors.push(`At most ${MAX_TERMS} words, phrases and prefixes, please.`);
  if (terms.length && terms.every((t) => t.negated)) errors.push('Add a word to find: a -word only leaves messages out.');
  return { terms, q, filters, errors };
}

/** Whether the query asks for nothing yet: no word that must match, no filter (exclusions alone are an error: parseQuery). */
export const isEmpty = (parsed) => !parsed.terms.some((t) => !t.negated)
  && !parsed.filters.in && !parsed.filters.from && !parsed.filters.has.length && !parsed.filters.after && !parsed.filters.before;

/** A filter as typed: key:value, quoted when the value has spaces. */
export function filterToken(key, value) {
  const v = String(value);
  return `${key}:${/[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v}`;
}

/**
 * The text with a filter set (value) or taken out (null). has: is a set: with on = false only
 * that value goes, with on = true it is added; the other filters hold one value each.
 */
export function withFilter(text, key, value, on = value != null) {
  const matchesHas = (t) => HAS[String(t.value).toLowerCase()] === HAS[String(value).toLowerCase()];
  const kept = tokens(text).filter((t) => t.key !== key || (key === 'has' && !matchesHas(t)));
  const raw = kept.map((t) => t.raw);
  if (on && value != null && String(value).trim()) raw.push(filterToken(key, String(value).trim()));
  return raw.join(' ') + (raw.length ? ' ' : '');
}

/** The people part of the search: the plain words (no filters, no syntax), or '' when there are filters. */
export function peopleQuery(parsed) {
  const f = parsed.filters;
  if (f.in || f.from || f.has.length || f.after || f.before) return '';
  return parsed.terms.filter((t) => !t.negated).map((t) => t.text).join(' ').trim();
}

/** The server's parameters for a parsed query; conversation: what in: names, resolved to an id. */
export function searchParams(parsed, { conversation = null, cursor = null, limit = 20 } = {}) {
  const p = new URLSearchParams();
  if (parsed.q) p.set('q', parsed.q);
  if (conversation) p.set('conversation', conversation);
  if (parsed.filters.from) p.set('from', parsed.filters.from);
  if (parsed.filters.after) p.set('after', parsed.filters.after);
  if (parsed.filters.before) p.set('before', parsed.filters.before);
  parsed.filters.has.forEach((h) => p.append('has', h));
  p.set('limit', String(limit));
  if (cursor) p.set('cursor', cursor);
  return p;
}

const plain = (s) => String(s || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/^[#@]/, '');

/** The names a conversation goes by: the peer's username, display name and my alias; a channel's name and its group's. */
export function namesOf(c) {
  if (c.kind === 'channel') return [c.name, c.group?.name].filter(Boolean);
  return [c.peer?.username, c.peer?.displayName, c.peer?.alias].filter(Boolean);
}

/**
 * Which chat in:NAME means: one whose name (namesOf) is NAME, else the one it is part of; the open
 * chat wins a tie, then the most recently active. null when none is called so.
 */
export function resolveChat(name, conversations, current = null) {
  const want = plain(name);
  if (!want) return null;
  const all = [...conversations].sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
  const exact = all.filter((c) => namesOf(c).some((n) => plain(n) === want));
  const partial = all.filter((c) => namesOf(c).some((n) => plain(n).includes(want)));
  const pool = exact.length ? exact : partial;
  if (!pool.length) return null;
  return pool.find((c) => c.id === current) || pool[0];
}

/**
 * My chats whose name contains the words (any part, case and accents aside): those it starts
 * first, then by latest activity. The server does the same over the network (GET /api/search/conversations).
 */
export function chatsNamed(q, conversations, limit = 8) {
  const want = plain(q);
  if (!want) return [];
  const scored = [];
  for (const c of conversations) {
    const names = namesOf(c).map(plain);
    if (!names.some((n) => n.includes(want))) continue;
    scored.push({ c, starts: names.some((n) => n.startsWith(want)) ? 0 : 1 });
  }
  scored.sort((a, b) => (a.starts - b.starts) || String(b.c.updatedAt).localeCompare(String(a.c.updatedAt)));
  return scored.slice(0, limit).map((s) => s.c);
}
