// The paged lists of the users and groups tabs: a search form, a table of one page, a pager.
// Each tab says how to fetch its page and draw a row (defineList); the paging is here, once.
import { $, clear } from '../ui.js';
import { PAGE, state, run } from './page.js';
import { range, emptyRow } from './format.js';

const LISTS = {};

/** kind: 'users' or 'groups'; columns, rowOf(item) and fetch(offset) of its table. */
export function defineList(kind, { columns, rowOf, fetch }) {
  LISTS[kind] = { columns, rowOf, fetch };
}

const listButtons = (kind) => [$(`${kind}-search`), $(`${kind}-prev`), $(`${kind}-next`)];

/** Fetches one page of users or groups into its table, and updates the pager. */
export async function loadList(kind, offset, buttons, quiet = false) {
  const list = LISTS[kind];
  await run(buttons, async () => {
    const page = await list.fetch(offset);
    const items = page[kind] || [];
    Object.assign(state[kind], { offset: page.offset ?? offset, count: items.length, total: page.total ?? items.length });
    const body = $(`admin-${kind}`).tBodies[0];
    clear(body);
    for (const item of items) body.append(list.rowOf(item));
    if (!items.length) body.append(emptyRow(list.columns, `No ${kind} match.`));
    $(`${kind}-range`).textContent = range(state[kind]);
  }, { quiet });
}

/** The search form and the pager of one list. */
export function wireList(kind) {
  const load = (offset) => loadList(kind, offset, listButtons(kind));
  $(`${kind}-form`).addEventListener('submit', (e) => { e.preventDefault(); load(0); });
  $(`${kind}-prev`).addEventListener('click', () => load(Math.max(0, state[kind].offset - PAGE)));
  $(`${kind}-next`).addEventListener('click', () => load(state[kind].offset + PAGE));
}
