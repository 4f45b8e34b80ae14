// The client's files: the service worker keeps every module the app loads (or the app cannot open
// offline), and the model stays free of the DOM (so it can be tested here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { WEB } from './helpers.mjs';

const read = (path) => readFileSync(new URL(path, WEB), 'utf8');

/** Every module reachable from a file by its static imports, as site paths ('/js/…'). */
function imported(from, seen = new Set()) {
  if (seen.has(from)) return seen;
  seen.add(from);
  for (const [, spec] of read(from.slice(1)).matchAll(/^import\s+(?:[^'"]*from\s+)?['"]([^'"]+)['"]/gm)) {
    imported(new URL(spec, new URL(from, 'https://x')).pathname, seen);
  }
  return seen;
}

test('the service worker keeps every module the app imports, and nothing else', () => {
  const sw = read('sw.js');
  const shell = new Set([...sw.slice(sw.indexOf('const SHELL')).matchAll(/'(\/js\/[^']+)'/g)].map((m) => m[1]));
  const app = imported('/js/app.js');
  assert.deepEqual([...app].filter((f) => !shell.has(f)), [], 'imported by the app but not kept for offline');
  assert.deepEqual([...shell].filter((f) => !app.has(f)), [], 'kept but no longer part of the app');
});

test('the model touches no DOM: no document, window or element lookups', () => {
  for (const name of readdirSync(new URL('js/model/', WEB)).filter((n) => n.endsWith('.js'))) {
    const code = read(`js/model/${name}`).replace(/\/\/.*$|^\s*(\*|\/\*\*).*$/gm, ''); // the code, not its comments
    assert.doesNotMatch(code, /\bdocument\b|\bwindow\b|\$\(|\bel\(/, `model/${name}`);
    assert.doesNotMatch(code, /from '\.\.\/(views|net|features)\//, `model/${name} imports no view, network or feature`);
  }
});
