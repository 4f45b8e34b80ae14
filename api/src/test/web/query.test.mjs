// The search field's language: words, phrases, prefixes, exclusions and typed filters; the
// server's parameters; the filter buttons editing the same text; which chat in: means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, conversation } from './helpers.mjs';

const q = await import(new URL('js/model/query.js', WEB));

test('words, "a phrase", prefix* and -excluded words are terms; the server gets them as typed', () => {
  const p = q.parseQuery('lunch "blue whale" meet* -friday');
  assert.deepEqual(p.terms, [
    { kind: 'word', text: 'lunch', negated: false },
    { kind: 'phrase', text: 'blue whale', negated: false },
    { kind: 'prefix', text: 'meet', negated: false },
    { kind: 'word', text: 'friday', negated: true },
  ]);
  assert.equal(p.q, 'lunch "blue whale" meet* -friday');
  assert.deepEqual(p.errors, []);
});

test('filters are taken out of the words and become parameters', () => {
  const p = q.parseQuery('from:@Bob lunch in:"Climbing club" has:picture has:link after:2026-01-01 before:2026-02-01T12:00:00Z');
  assert.equal(p.q, 'lunch');
  assert.deepEqual(p.filters, { in: 'Climbing club', from: 'bob', has: ['image', 'link'], after: '2026-01-01', before: '2026-02-01T12:00:00Z' });
  const params = q.searchParams(p, { conversation: 'c-1', cursor: 'abc', limit: 20 });
  assert.equal(params.toString(), 'q=lunch&conversation=c-1&from=bob&after=2026-01-01&before=2026-02-01T12%3A00%3A00Z&has=image&has=link&limit=20&cursor=abc');
});

test('what cannot be understood is said in words, and the rest still parses', () => {
  assert.deepEqual(q.parseQuery('has:kitten lunch').errors, ['has: takes file, picture or link, not “kitten”.']);
  assert.deepEqual(q.parseQuery('after:2026-02-30').errors, ['after: takes a date like 2026-03-01, not “2026-02-30”.']);
  assert.deepEqual(q.parseQuery('after:2026-03-01 before:2026-02-01').errors, ['after: must come before before:.']);
  assert.match(q.parseQuery('x'.repeat(201)).errors[0], /At most 200/);
  assert.deepEqual(q.parseQuery('x'.repeat(200)).errors, []);
  assert.deepEqual(q.parseQuery('a* ab*').errors, ['a*: at least 2 characters before the *, please.']);
  assert.match(q.parseQuery(Array.from({ length: 17 }, (_, i) => 'w' + i).join(' ')).errors[0], /At most 16 words/);
  assert.deepEqual(q.parseQuery(Array.from({ length: 16 }, (_, i) => 'w' + i).join(' ')).errors, []);
  assert.deepEqual(q.parseQuery('has:link -lunch').errors, ['Add a word to find: a -word only leaves messages out.'], 'whatever the filters');
  assert.deepEqual(q.parseQuery('has:link').errors, []);
});

test('an unknown key, a filter with no value yet and an open quote are read as the user is typing them', () => {
  assert.deepEqual(q.parseQuery('http://example.com').terms[0], { kind: 'word', text: 'http://example.com', negated: false });
  const typing = q.parseQuery('from: "half a phr');
  assert.equal(typing.filters.from, null);
  assert.deepEqual(typing.terms.map((t) => [t.kind, t.text]), [['word', 'from:'], ['phrase', 'half a phr']]);
  assert.deepEqual(q.parseQuery('-from:bob').terms, [{ kind: 'word', text: 'from:bob', negated: true }]);
});

test('an exclusion alone asks for nothing; a filter alone does', () => {
  assert.equal(q.isEmpty(q.parseQuery('')), true);
  assert.equal(q.isEmpty(q.parseQuery('   -lunch ')), true);
  assert.equal(q.isEmpty(q.parseQuery('has:link')), false);
  assert.equal(q.isEmpty(q.parseQuery('lunch')), false);
});

test('the filter buttons edit the typed text: set, replace, add to has:, take out', () => {
  let text = 'lunch ';
  text = q.withFilter(text, 'from', 'bob');
  assert.equal(text, 'lunch from:bob ');
  text = q.withFilter(text, 'from', 'ana');
  assert.equal(text, 'lunch from:ana ');
  text = q.withFilter(text, 'has', 'link');
  text = q.withFilter(text, 'has', 'image');
  assert.deepEqual(q.parseQuery(text).filters.has, ['link', 'image']);
  text = q.withFilter(text, 'has', 'picture', false); // the same filter by another of its names
  assert.deepEqual(q.parseQuery(text).filters.has, ['link']);
  text = q.withFilter(text, 'in', 'Climbing club');
  assert.equal(q.parseQuery(text).filters.in, 'Climbing club');
  text = q.withFilter(text, 'from', null);
  assert.equal(text, 'lunch has:link in:"Climbing club" ');
});

test('in: means the chat of that name: exact before partial, the open chat wins a tie, then the latest', () => {
  const bob = conversation('d-bob', { peer: { id: 'u-bob', username: 'bob', displayName: 'Bob Stone', alias: 'Bobby' }, updatedAt: '2026-01-02T00:00:00Z' });
  const general1 = conversation('ch-1', { kind: 'channel', name: 'general', peer: null, group: { id: 'g1', name: 'Climbers' }, updatedAt: '2026-01-05T00:00:00Z' });
  const general2 = conversation('ch-2', { kind: 'channel', name: 'general', peer: null, group: { id: 'g2', name: 'Cooks' }, updatedAt: '2026-01-03T00:00:00Z' });
  const all = [bob, general1, general2];
  assert.equal(q.resolveChat('bobby', all).id, 'd-bob');
  assert.equal(q.resolveChat('@bob', all).id, 'd-bob');
  assert.equal(q.resolveChat('#general', all).id, 'ch-1', 'the latest of two');
  assert.equal(q.resolveChat('#general', all, 'ch-2').id, 'ch-2', 'the open one');
  assert.equal(q.resolveChat('cooks', all).id, 'ch-2');
  assert.equal(q.resolveChat('stone', all).id, 'd-bob', 'part of a name');
  assert.equal(q.resolveChat('nobody', all), null);
});

test('chats are found by any part of their names, those that start with it first', () => {
  const a = conversation('a', { peer: { id: '1', username: 'annabel', displayName: 'Annabel' }, updatedAt: '2026-01-01T00:00:00Z' });
  const b = conversation('b', { peer: { id: '2', username: 'joanna', displayName: 'Jo' }, updatedAt: '2026-01-09T00:00:00Z' });
  const c = conversation('c', { kind: 'channel', name: 'random', peer: null, group: { id: 'g', name: 'Ännas club' }, updatedAt: '2026-01-05T00:00:00Z' });
  assert.deepEqual(q.chatsNamed('ann', [a, b, c]).map((x) => x.id), ['c', 'a', 'b'], 'both start with it: the latest first');
  assert.deepEqual(q.chatsNamed('', [a, b, c]), []);
});

test('the people part is the plain words, and nothing when filters are typed', () => {
  assert.equal(q.peopleQuery(q.parseQuery('ann -x')), 'ann');
  assert.equal(q.peopleQuery(q.parseQuery('ann from:bob')), '');
});
