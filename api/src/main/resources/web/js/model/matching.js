// Search on this device, for when the server is out of reach: the messages the device holds are
// matched against a parsed query (model/query.js) the way the server matches them, as closely as
// a few lines can: every word must match (case and accents aside, and the common English endings,
// so "meeting" finds "meetings"), "a phrase" its words in a row, prefix* any word it starts, and
// -word must not match; filters the same. What the server would never show is never found here
// either: deleted messages, what I cleared or deleted for me, and chats I am no longer in. Results
// have the server's shape (a snippet with highlights), marked local. No DOM.
import { parseDate } from './query.js';

/** Lower case without accents: what two words are compared as. */
export const fold = (s) => String(s || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a text with where each is in it (UTF-16 offsets, as the server's highlights). */
export function wordsOf(text) {
  const out = [];
  for (const m of String(text || '').matchAll(/[\p{L}\p{N}_]+/gu)) {
    out.push({ word: fold(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const ENDINGS = /(ings|ing|edly|ed|ers|er|es|s|ly)$/;
/** A word without a common English ending (never shorter than three letters). */
export function stem(word) {
  const m = ENDINGS.exec(word);
  if (!m || word.length - m[0].length < 3) return word;
  return word.slice(0, word.length - m[0].length);
}

const same = (textWord, wanted) => textWord === wanted || stem(textWord) === stem(wanted);

/** Where a term matches among the words: a list of [start, end] (empty: no match). */
function rangesOf(term, words) {
  const wanted = wordsOf(term.text).map((w) => w.word);
  if (!wanted.length) return [];
  const out = [];
  if (term.kind === 'prefix' && wanted.length === 1) {
    for (const w of words) if (w.word.startsWith(wanted[0])) out.push([w.start, w.end]);
    return out;
  }
  // a phrase, or a typed word that holds several ("e-mail", "a.b"): its words in a row
  const last = wanted.length - 1;
  for (let i = 0; i + last < words.length; i++) {
    let ok = true;
    for (let k = 0; k <= last && ok; k++) {
      const w = words[i + k].word;
      ok = term.kind === 'prefix' && k === last ? w.startsWith(wanted[k]) : same(w, wanted[k]);
    }
    if (ok) out.push([words[i].start, words[i + last].end]);
  }
  return out;
}

/** Whether a text matches the terms, and where (the ranges of the words that must match, in order). */
export function matchText(terms, text) {
  const words = wordsOf(text);
  const ranges = [];
  for (const term of terms) {
    const found = rangesOf(term, words);
    if (term.negated ? found.length : !found.length) return null;
    if (!term.negated) ranges.push(...found);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return ranges.filter((r, i) => i === 0 || r[0] >= ranges[i - 1][1]); // overlapping matches once
}

/**
 * A part of the text around its first match, at most {@code width} characters, cut at word
 * boundaries with "…" where cut, and the highlights moved into it.
 */
export function snippetOf(text, ranges, width = 160) {
  const s = String(text || '');
  if (s.length <= width) return { snippet: s, highlights: ranges };
  let start = ranges.length ? Math.max(0, ranges[0][0] - Math.floor(width / 3)) : 0;
  if (start > 0) { // begin with a whole word
    const space = s.slice(start, ranges[0][0]).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  let end = Math.min(s.length, Math.max(start + width, ranges.length ? ranges[0][1] : 0));
  if (end < s.length) { // end with a whole word
    const space = s.slice(0, end).search(/\s\S*$/);
    if (space > start + width / 2) end = space;
  }
  const head = start > 0 ? '…' : '';
  const shift = head.length - start;
  return {
    snippet: head + s.slice(start, end) + (end < s.length ? '…' : ''),
    highlights: ranges.filter((r) => r[0] >= start && r[1] <= end).map(([a, b]) => [a + shift, b + shift]),
  };
}

/** Whether a message is one the server could show me: held, not deleted, not cleared, not hidden, in a chat I am in. */
export function readable(m, c) {
  return !!c && m.seq != null && !m.deleted && m.seq > (c.clearedSeq || 0) && !(c.hiddenSeqs || []).includes(m.seq);
}

const LINK = /https?:\/\/\S/i;
function hasAll(m, has) {
  return has.every((h) => (h === 'link' ? LINK.test(m.text || '')
    : h === 'image' ? m.attachment?.kind === 'image' : !!m.attachment)); // file: an attachment of any kind
}

/**
 * Whether a message passes the filters. sender(m, c): the names its sender goes by on this device
 * (username, display name, alias), for from:.
 */
export function passes(m, filters, { conversation, sender }) {
  if (conversation && m.conversation !== conversation) return false;
  if (filters.has.length && !hasAll(m, filters.has)) return false;
  const at = new Date(m.at);
  if (filters.after && at < parseDate(filters.after)) return false;
  if (filters.before && at >= parseDate(filters.before)) return false;
  if (filters.from && !sender(m).some((n) => fold(n).replace(/^@/, '') === fold(filters.from))) return false;
  return true;
}

/**
 * A parsed query as a test of one message: the ranges to highlight when it matches, else null.
 * conversations: id -> conversation (mine now); conversation: the id in: names, or null;
 * sender(m, c): the names a message's sender goes by on this device (for from:).
 */
export function matcher(parsed, { conversations, conversation = null, sender = () => [] }) {
  const positive = parsed.terms.some((t) => !t.negated);
  return (m) => {
    const c = conversations.get(m.conversation);
    if (!readable(m, c)) return null;
    if (!passes(m, parsed.filters, { conversation, sender: (x) => sender(x, c) })) return null;
    const ranges = matchText(parsed.terms, m.text || '');
    return !ranges || (positive && !ranges.length) ? null : ranges;
  };
}

/**
 * The device's answer to a parsed query: the matching messages (each (conversation, seq) once),
 * newest first, at most {@code limit}, in the server's result shape with {local: true}.
 * context: as for matcher.
 */
export function searchLocal(messages, parsed, context, limit = 50) {
  const match = matcher(parsed, context);
  const found = new Map();
  for (const m of messages) {
    const ranges = match(m);
    if (ranges) found.set(`${m.conversation}/${m.seq}`, { m, ranges });
  }
  return [...found.values()]
    .sort((a, b) => String(b.m.at).localeCompare(String(a.m.at)) || b.m.seq - a.m.seq)
    .slice(0, limit)
    .map(({ m, ranges }) => ({ conversation: m.conversation, seq: m.seq, senderId: m.senderId, at: m.at,
      ...snippetOf(m.text || '', ranges), message: m, local: true }));
}

/** Results grouped by conversation, in the order each conversation first appears; each result once. */
export function groupResults(results) {
  const groups = new Map();
  for (const r of results) {
    if (!groups.has(r.conversation)) groups.set(r.conversation, { conversation: r.conversation, results: [], seqs: new Set() });
    const g = groups.get(r.conversation);
    if (g.seqs.has(r.seq)) continue;
    g.seqs.add(r.seq);
    g.results.push(r);
  }
  return [...groups.values()].map(({ conversation, results: list }) => ({ conversation, results: list }));
}

/**
 * A snippet as pieces: [{text, mark}] from the highlights (UTF-16 offsets into it). Highlights
 * out of range or overlapping are ignored, never trusted to index outside the text.
 */
export function piecesOf(snippet, highlights) {
  const s = String(snippet || '');
  const out = [];
  let at = 0;
  const ranges = (Array.isArray(highlights) ? highlights : [])
    .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] < r[1])
    .sort((a, b) => a[0] - b[0]);
  for (const [a, b] of ranges) {
    if (a < at || b > s.length) continue;
    if (a > at) out.push({ text: s.slice(at, a), mark: false });
    out.push({ text: s.slice(a, b), mark: true });
    at = b;
  }
  if (at < s.length) out.push({ text: s.slice(at), mark: false });
  return out;
}
