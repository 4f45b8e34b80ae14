// How the admin console shows numbers, roles, times and table rows. Text only, never markup.
import { el } from '../ui.js';

export const num = (v) => (v == null ? '–' : Number(v).toLocaleString());
export const roleLabel = (role) => (role === 'admin' ? 'Admin' : role === 'user' ? 'User' : String(role ?? ''));

export function timeEl(iso, none = 'never') {
  if (!iso) return none;
  const d = new Date(iso);
  return el('time', { datetime: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

export const range = ({ offset, count, total }) => (total ? `${offset + 1}–${offset + count} of ${total}` : 'No results');

/** A table row; the first cell is its row header. */
export function row(cells, attrs = {}) {
  return el('tr', attrs, ...cells.map((c, i) => el(i ? 'td' : 'th', i ? {} : { scope: 'row' }, c)));
}

export const emptyRow = (columns, text) => el('tr', {}, el('td', { colspan: columns, class: 'muted' }, text));
