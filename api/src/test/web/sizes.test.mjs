// The house's size rules for the web client, the half Checkstyle cannot read (config/checkstyle):
// no file over 400 lines and no function over 60 (blank lines and comments not counted), unless
// config/checkstyle/suppressions.xml names the file and says why, and the file says the same at its
// top. The functions are found by a small scanner, not a parser: it blanks comments, strings,
// template literals and regular expressions, pairs the braces, and takes a brace as a function's
// body when `=>`, `function name(…)` or a method's `name(…)` stands before it. The first tests
// show it right on the shapes this code base uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const ROOT = new URL('../../../../', import.meta.url);
const WEB_DIR = 'api/src/main/resources/web/';
const MAX_FILE = 400;
const MAX_FUNCTION = 60;

const REGEX_BEFORE = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void',
  'throw', 'instanceof', 'yield', 'await']);
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with']);

/**
 * The code with comments blanked to spaces and the insides of strings, template literals and
 * regular expressions to 'x' (line breaks kept, so offsets and lines stay where they were).
 */
export function blank(src) {
  const out = src.split(''); // UTF-16 units, as src[i] indexes them
  const modes = [];                 // '{' for a brace, '`' for a template's ${ … } expression
  const hide = (i, as) => { if (out[i] !== '\n') out[i] = as; };
  let i = 0;
  const n = src.length;
  const string = (quote) => { // i at the opening quote; ends after the closing one
    for (i++; i < n && src[i] !== quote; i++) { if (src[i] === '\\') hide(i++, 'x'); hide(i, 'x'); }
    i++;
  };
  const template = () => { // i just after a backtick or a closing } of ${ … }; ends after ` or ${
    for (; i < n; i++) {
      if (src[i] === '\\') { hide(i++, 'x'); hide(i, 'x'); } else if (src[i] === '`') { i++; return; } else if (src[i] === '$' && src[i + 1] === '{') { modes.push('`'); i += 2; return; } else hide(i, 'x');
    }
  };
  const regex = () => { // i at the opening slash
    let inClass = false;
    for (i++; i < n && (inClass || src[i] !== '/') && src[i] !== '\n'; i++) {
      if (src[i] === '\\') hide(i++, 'x');
      else if (src[i] === '[') inClass = true;
      else if (src[i] === ']') inClass = false;
      hide(i, 'x');
    }
    for (i++; i < n && /[a-z]/.test(src[i]); i++);
  };
  const regexCanStart = (at) => {
    let j = at - 1;
    while (j >= 0 && /\s/.test(out[j])) j--;
    if (j < 0 || REGEX_BEFORE.has(out[j])) return true;
    const word = /[\w$]+$/.exec(out.slice(Math.max(0, j - 11), j + 1).join(''));
    return word != null && REGEX_AFTER_WORD.has(word[0]);
  };
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { for (; i < n && src[i] !== '\n'; i++) hide(i, ' '); }
    else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (; i < stop; i++) hide(i, ' ');
    } else if (c === '\'' || c === '"') string(c);
    else if (c === '`') { i++; template(); }
    else if (c === '/' && regexCanStart(i)) regex();
    else if (c === '{') { modes.push('{'); i++; }
    else if (c === '}') { i++; if (modes.pop() === '`') template(); }
    else i++;
  }
  return out.join('');
}

/** The functions of a file: name (or the line's start), first and last line, and lines of code. */
export function functions(src) {
  const code = blank(src);
  const lineAt = [];
  for (let i = 0, line = 1; i <= code.length; i++) { lineAt.push(line); if (code[i] === '\n') line++; }
  const hasCode = code.split('\n').map((l) => /\S/.test(l));
  const matchBack = (close, open, at) => { // at: index of a closing bracket; returns its opening one
    for (let depth = 0, j = at; j >= 0; j--) {
      if (code[j] === close) depth++;
      else if (code[j] === open && --depth === 0) return j;
    }
    return -1;
  };
  const skipBack = (j) => { while (j >= 0 && /\s/.test(code[j])) j--; return j; };
  const headerOf = (brace) => { // where the function whose body opens at `brace` starts, or -1
    const j = skipBack(brace - 1);
    if (code[j] === '>' && code[j - 1] === '=') {
      const k = skipBack(j - 2);
      return code[k] === ')' ? matchBack(')', '(', k) : k - /[\w$]*$/.exec(code.slice(0, k + 1))[0].length + 1;
    }
    if (code[j] !== ')') return -1;
    const open = matchBack(')', '(', j);
    const before = code.slice(0, open);
    const fn = /function\s*\*?\s*[\w$]*\s*$/.exec(before);
    if (fn) return fn.index;
    const word = /([\w$]+)\s*$/.exec(before);
    return word && !CONTROL.has(word[1]) ? word.index : -1;
  };
  const found = [];
  const stack = [];
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '{') stack.push(i);
    else if (code[i] === '}') {
      const brace = stack.pop();
      const start = headerOf(brace);
      if (start < 0) continue;
      const first = lineAt[start];
      const last = lineAt[i];
      let lines = 0;
      for (let l = first; l <= last; l++) if (hasCode[l - 1]) lines++;
      found.push({ name: src.split('\n')[first - 1].trim().slice(0, 60), first, last, lines });
    }
  }
  return found.sort((a, b) => a.first - b.first);
}

const read = (path) => readFileSync(new URL(path, ROOT), 'utf8');

function filesUnder(dir, keep) {
  return readdirSync(new URL(dir, ROOT), { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) {
      return e.name.startsWith('.') || ['target', 'node_modules', 'var'].includes(e.name) ? [] : filesUnder(`${dir}${e.name}/`, keep);
    }
    return keep(e.name) ? [`${dir}${e.name}`] : [];
  });
}

/** The entries of the suppressions file: files (a regular expression), checks, and the comment before it: why. */
function suppressions() {
  const xml = read('config/checkstyle/suppressions.xml');
  return [...xml.matchAll(/<!--((?:(?!-->)[\s\S])*)-->\s*<suppress\s+files="([^"]+)"\s+checks="([^"]+)"/g)]
    .map(([, why, files, checks]) => ({ why: why.replace(/\s+/g, ' ').trim(), files: new RegExp(files), checks }));
}

const allowed = (path, check) => suppressions().some((s) => s.files.test(path) && new RegExp(s.checks).test(check));
const lines = (n) => Array.from({ length: n }, (_, i) => `  total += ${i};`).join('\n');

test('the scanner counts a function\'s lines of code, not its blank lines or comments', () => {
  const src = `function long(a) {\n${lines(58)}\n\n  // a comment\n  /* and\n   another */\n}\n`;
  assert.deepEqual(functions(src).map((f) => [f.first, f.last, f.lines]), [[1, 64, 60]]);
  assert.equal(functions(src.replace('{\n', '{\n  let total = 0;\n'))[0].lines, 61);
});

test('the scanner finds declarations, arrows, methods, getters and nested functions, and no control blocks', () => {
  const src = [
    'export async function a(x) {', '  if (x) { for (const y of x) { while (y) {} } }', '  const b = async (p) => {',
    '    return p;', '  };', '  return b;', '}', 'const c = x => { return x; };', 'class D {', '  static async open(id) {',
    '    try { return 1; } catch (e) { return 2; } finally { }', '  }', '  get isOpen() { return true; }', '}',
    'const o = { m(a, b) { return a + b; }, n: function* () { yield 1; }, k: { j: 1 } };', 'switch (a) { case 1: {} }',
  ].join('\n');
  assert.deepEqual(functions(src).map((f) => [f.first, f.last]),
    [[1, 7], [3, 5], [8, 8], [10, 12], [13, 13], [15, 15], [15, 15]]);
});

test('braces in strings (emoji too), templates, regular expressions and comments do not fool the scanner', () => {
  const src = [
    'function f(s) {', "  const a = '{😂', b = \"}}\", r = /[}{]\\/{/g, d = 4 / 2 / 1;", '  // }', '  /* { */',
    '  const t = `{ ${ s.map((x) => { return `}${x}`; }).join() } }`;', '  return [a, b, r, d, t];', '}',
    'const g = () => { return /}/.test(\'}\'); };',
  ].join('\n');
  assert.deepEqual(functions(src).map((f) => [f.first, f.last]), [[1, 7], [5, 5], [8, 8]]);
});

const webFiles = filesUnder(WEB_DIR, (name) => name.endsWith('.js'));

test('no web client file is over 400 lines, unless the suppressions file says why', () => {
  assert.ok(webFiles.length > 30, `found ${webFiles.length} files under ${WEB_DIR}`);
  const long = webFiles.map((f) => [f, read(f).split('\n').length - 1])
    .filter(([f, n]) => n > MAX_FILE && !allowed(f, 'FileLength'));
  assert.deepEqual(long, [], 'split these files, or name them in config/checkstyle/suppressions.xml with a reason');
});

test('no web client function is over 60 lines of code, unless the suppressions file says why', () => {
  const long = webFiles.filter((f) => !allowed(f, 'MethodLength'))
    .flatMap((f) => functions(read(f)).filter((fn) => fn.lines > MAX_FUNCTION).map((fn) => `${f}:${fn.first} ${fn.name} (${fn.lines})`));
  assert.deepEqual(long, []);
});

test('each file the suppressions file allows exists and says the same reason at its top', () => {
  const sources = [...filesUnder('', (name) => name.endsWith('.java')), ...webFiles];
  for (const s of suppressions()) {
    const matched = sources.filter((f) => s.files.test(f));
    assert.ok(matched.length > 0, `no file matches ${s.files}: take the entry out`);
    for (const f of matched) {
      const top = read(f).split('\n').slice(0, 30).map((l) => l.replace(/^\s*(\/\/|\/\*\*|\*)/, '')).join(' ').replace(/\s+/g, ' ');
      assert.ok(top.includes(s.why), `${f} does not say at its top: "${s.why}"`);
    }
  }
});
