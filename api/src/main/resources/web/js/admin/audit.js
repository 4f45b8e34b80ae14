// The audit log tab: every admin action with its actor, target and reason, newest first, filtered
// by action, a page at a time ("Older" adds the next page below).
import { $, el, clear } from '../ui.js';
import { admin } from './api.js';
import { PAGE, state, say, run } from './page.js';
import { timeEl, row, emptyRow } from './format.js';

export async function loadAudit(older, buttons) {
  if (!older) state.audit.action = $('audit-action').value.trim();
  const params = { action: state.audit.action, limit: PAGE, before: older ? state.audit.next : null };
  await run(buttons, async () => {
    const page = await admin.audit(params);
    const body = $('admin-audit').tBodies[0];
    if (!older) clear(body);
    for (const a of page.entries) body.append(auditRow(a));
    if (!body.rows.length) body.append(emptyRow(6, 'No entries.'));
    state.audit.next = page.next ?? null;
    if (older) say(page.entries.length ? `${page.entries.length} older entries shown` : 'No older entries');
  });
}

function auditRow(a) {
  const details = a.details && Object.keys(a.details).length ? el('code', {}, JSON.stringify(a.details)) : '';
  const target = [a.targetType, a.targetId].filter(Boolean).join(' ');
  return row([timeEl(a.at, '–'), a.actor?.username || a.actor?.id || '–', a.action, target, a.reason || '', details],
    { 'data-testid': 'admin-audit-row' });
}

export function wireAudit() {
  $('audit-form').addEventListener('submit', (e) => { e.preventDefault(); loadAudit(false, [$('audit-search'), $('audit-older')]); });
  $('audit-older').addEventListener('click', () => loadAudit(true, [$('audit-search'), $('audit-older')]));
}
