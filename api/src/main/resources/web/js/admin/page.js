// What every tab of the admin console shares: the page's state, the status and alert lines, running
// a request with its buttons disabled, and the dialog that asks for a reason.
import { ApiError } from '../net/api.js';
import { $ } from '../ui.js';

export const PAGE = 50;

export const state = {
  me: null,
  tab: null,
  loaded: new Set(),                                   // tabs whose list was fetched once
  users: { offset: 0, count: 0, total: 0, selected: null },
  groups: { offset: 0, count: 0, total: 0, selected: null },
  audit: { next: null, action: '' },                  // the filter the shown entries match
  overviewBusy: false,
};

export const say = (text) => { $('admin-status').textContent = text; };

function fail(e) {
  const message = e instanceof ApiError ? e.message : 'Cannot reach the server. Try again.';
  say('');
  if ($('admin-error').textContent !== message) $('admin-error').textContent = message; // no repeats
}

/**
 * Runs one request with its buttons disabled; a failure shows the server's detail in the alert
 * area. Quiet runs (auto-refresh) leave the messages alone until they finish.
 */
export async function run(buttons, fn, { quiet = false } = {}) {
  const list = [].concat(buttons || []);
  const focused = document.activeElement;
  list.forEach((b) => { b.disabled = true; });
  if (!quiet) { $('admin-error').textContent = ''; say(''); }
  try {
    await fn();
    if (quiet) $('admin-error').textContent = '';
  } catch (e) {
    fail(e);
  } finally {
    list.forEach((b) => { b.disabled = false; });
    syncPagers();
    // a button disabled while focused loses focus in some browsers: give it back
    if (list.includes(focused) && focused.isConnected && !focused.disabled && !focused.hidden
        && document.activeElement === document.body) focused.focus();
  }
}

function syncPagers() {
  for (const k of ['users', 'groups']) {
    const s = state[k];
    $(`${k}-prev`).disabled = s.offset <= 0;
    $(`${k}-next`).disabled = s.offset + s.count >= s.total;
  }
  $('audit-older').disabled = state.audit.next == null;
}

/** Asks for a reason in the modal dialog; resolves the trimmed text, or null when cancelled. */
export function askReason(title, required = true) {
  const dialog = $('reason-dialog');
  const text = $('reason-text');
  $('reason-title').textContent = title;
  $('reason-hint').textContent = required ? 'Required. Saved in the audit log.' : 'Optional. Saved in the audit log.';
  text.value = '';
  text.required = required;
  text.setCustomValidity('');
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? text.value.trim() : null), { once: true });
  });
}

/** Native validation, except that text of only spaces counts as empty. Run before each submit. */
export function requireText(field, message) {
  field.setCustomValidity(field.required && field.value && !field.value.trim() ? message : '');
}

/** The reason dialog's buttons. */
export function wireReasonDialog() {
  $('reason-confirm').addEventListener('click', () => requireText($('reason-text'), 'Please give a reason.'));
  $('reason-cancel').addEventListener('click', () => $('reason-dialog').close(''));
}
