// Search on the device: words, phrases, prefixes and exclusions match as the server's do; what the
// server would never show (deleted, cleared, hidden, chats I left) is never found; snippets carry
// their highlights; results group by conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, ME, PEER, conversation, message } from './helpers.mjs';

const { parseQuery } = await import(new URL('js/model/query.js', WEB));
const s = await import(new URL('js/model/matching.js', WEB));

const matches = (query, text) => s.matchText(parseQuery(query).terms, text) !== null;
const marked = (query, text) => {
  const r = s.matchText(parseQuery(query).terms, text);
  return r && r.map(([a, b]) => text.slice(a, b));
};

test('every word must match, in any order, case and accents aside, with common endings', () => {
  assert.equal(matches('lunch friday', 'Friday we have LUNCH'), true);
  assert.equal(matches('lunch friday', 'lunch on monday'), false);
  assert.equal(matches('cafe', 'Meet at the Café'), true);
  assert.equal(matches('meeting', 'two meetings today'), true);
  assert.equal(matches('meetings', 'the meeting'), true);
  assert.equal(matches('meet', 'a meteor'), false, 'a word is not a prefix unless it says so');
  assert.deepEqual(marked('lunch friday', 'Friday we have LUNCH'), ['Friday', 'LUNCH']);
});

test('"a phrase" matches its words in a row, in that order', () => {
  assert.equal(matches('"blue whale"', 'a Blue  whale swam by'), true);
  assert.equal(matches('"blue whale"', 'a whale, blue as the sea'), false);
  assert.equal(matches('"blue whale"', 'blue and a whale'), false);
  assert.deepEqual(marked('"blue whale"', 'a Blue  whale swam'), ['Blue  whale']);
});

test('prefix* matches any word it starts; a word with a dash is its words in a row', () => {
  assert.equal(matches('deplo*', 'Deployment done'), true);
  assert.equal(matches('deplo*', 'employ'), false);
  assert.deepEqual(marked('deplo*', 'deploy, deployed'), ['deploy', 'deployed']);
  assert.equal(matches('e-mail', 'send an e-mail'), true);
  assert.equal(matches('e-mail', 'mail me an e'), false);
});

test('-word excludes, and an exclusion is never highlighted', () => {
  assert.equal(matches('lunch -friday', 'lunch on monday'), true);
  assert.equal(matches('lunch -friday', 'lunch on friday'), false);
  assert.equal(matches('lunch -"next week"', 'lunch next week'), false);
  assert.deepEqual(marked('lunch -friday', 'lunch on monday'), ['lunch']);
});

test('names, code and numbers match as they are', () => {
  assert.equal(matches('ana_b', 'ping ana_b'), true);
  assert.equal(matches('404', 'got a 404 back'), true);
  assert.equal(matches('getUser*', 'call getUserById()'), true);
});

test('a snippet is the text around the first match, cut at words, the highlights moved into it', () => {
  const text = 'word '.repeat(60) + 'the zebra crossing ' + 'tail '.repeat(60);
  const ranges = s.matchText(parseQuery('zebra').terms, text);
  const { snippet, highlights } = s.snippetOf(text, ranges, 80);
  assert.ok(snippet.startsWith('…') && snippet.endsWith('…'));
  assert.ok(snippet.length <= 82);
  assert.equal(highlights.length, 1);
  assert.equal(snippet.slice(highlights[0][0], highlights[0][1]), 'zebra');
  assert.doesNotMatch(snippet, /…\S*wor\b|\bwor…/, 'no cut word');
  const short = s.snippetOf('short text', [[0, 5]], 80);
  assert.deepEqual(short, { snippet: 'short text', highlights: [[0, 5]] });
});

test('highlights with emoji before them are UTF-16 offsets, as the server gives them', () => {
  const text = '🎉🎉 party time';
  const ranges = s.matchText(parseQuery('party').terms, text);
  assert.deepEqual(s.piecesOf(text, ranges), [{ text: '🎉🎉 ', mark: false }, { text: 'party', mark: true }, { text: ' time', mark: false }]);
});

test('pieces never trust a highlight outside the snippet or overlapping another', () => {
  assert.deepEqual(s.piecesOf('abc', [[1, 9], [0, 1], [0, 2], ['x', 2]]), [{ text: 'a', mark: true }, { text: 'bc', mark: false }]);
  assert.deepEqual(s.piecesOf('abc', null), [{ text: 'abc', mark: false }]);
});

function device() {
  const conversations = new Map([
    ['c', conversation('c', { clearedSeq: 2, hiddenSeqs: [5] })],
    ['g', conversation('g', { kind: 'channel', name: 'general', peer: null, group: { id: 'grp', name: 'Team' } })],
  ]);
  const messages = [
    message('c', 1, { text: 'lunch before clearing' }),       // cleared
    message('c', 3, { text: 'lunch at noon', at: '2026-01-03T10:00:00Z' }),
    message('c', 4, { text: '', deleted: true }),            // deleted (its text is gone)
    message('c', 5, { text: 'lunch I deleted for me' }),     // hidden for me
    message('c', 6, { text: 'lunch photo', senderId: ME, at: '2026-01-06T10:00:00Z', attachment: { kind: 'image', name: 'a.jpg' } }),
    message('g', 1, { text: 'team lunch https://example.com/menu', at: '2026-01-04T10:00:00Z' }),
    message('left', 1, { text: 'lunch in a chat I left' }),  // not one of my chats now
  ];
  const sender = (m, c) => (m.senderId === ME ? ['me', 'Me Myself'] : c.peer ? [c.peer.username] : ['Teammate']);
  return { conversations, messages, sender };
}

test('the device finds only what the server would show: not deleted, cleared, hidden, or in a chat I left', () => {
  const { conversations, messages, sender } = device();
  // the same message from the device's copy and from memory counts once
  const found = s.searchLocal([...messages, ...messages], parseQuery('lunch'), { conversations, sender });
  assert.deepEqual(found.map((r) => `${r.conversation}/${r.seq}`), ['c/6', 'g/1', 'c/3'], 'newest first');
  assert.ok(found.every((r) => r.local));
  assert.deepEqual(found[2].highlights, [[0, 5]]);
  assert.equal(found[2].snippet, 'lunch at noon');
});

test('filters on the device: in, from, has, after and before', () => {
  const { conversations, messages, sender } = device();
  const run = (text, conversation = null) => s.searchLocal(messages, parseQuery(text), { conversations, sender, conversation })
    .map((r) => `${r.conversation}/${r.seq}`);
  assert.deepEqual(run('lunch', 'g'), ['g/1']);
  assert.deepEqual(run('lunch from:me'), ['c/6']);
  assert.deepEqual(run('lunch from:peer'), ['c/3']);
  assert.deepEqual(run('from:peer', 'c'), ['c/3'], 'a filter alone never finds a tombstone, nor what is cleared or hidden');
  assert.deepEqual(run('has:picture'), ['c/6'], 'a filter alone finds too');
  assert.deepEqual(run('has:link'), ['g/1']);
  assert.deepEqual(run('has:file'), ['c/6'], 'a file is an attachment of any kind, a picture too');
  assert.deepEqual(run('has:file has:link'), [], 'every has: must hold');
  assert.deepEqual(run('lunch after:2026-01-04'), ['c/6', 'g/1']);
  assert.deepEqual(run('lunch before:2026-01-04'), ['c/3']);
  assert.deepEqual(run('lunch after:2026-01-04 before:2026-01-05'), ['g/1']);
});

test('results group by conversation, in the order each first appears, each once', () => {
  const r = (conversation, seq) => ({ conversation, seq });
  const groups = s.groupResults([r('a', 9), r('b', 3), r('a', 2), r('a', 9), r('c', 1), r('b', 1)]);
  assert.deepEqual(groups.map((g) => [g.conversation, g.results.map((x) => x.seq)]), [['a', [9, 2]], ['b', [3, 1]], ['c', [1]]]);
});

test('stems keep at least three letters', () => {
  assert.equal(s.stem('meetings'), 'meet');
  assert.equal(s.stem('is'), 'is');
  assert.equal(s.stem('bus'), 'bus');
  assert.equal(PEER, 'peer-2');
});
