// Reactions: the chips under a message (emoji, count, who — names in the title), and the picker:
// a quick row of common emoji and a field for any other one.
import { el } from '../ui.js';

export const QUICK = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '🔥'];

const graphemes = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\p{Regional_Indicator}|\u20E3/u;

/** Exactly one emoji (one grapheme that is an emoji: flags, skin tones and ZWJ sequences count as one). */
export function isOneEmoji(text) {
  const t = String(text || '').trim();
  if (!t || !EMOJI.test(t)) return false;
  return graphemes ? [...graphemes.segment(t)].length === 1 : [...t].length <= 8;
}

/** Reactions after my toggling one, before the server confirms it. */
export function toggled(reactions, emoji, on, me) {
  const out = (reactions || []).map((r) => ({ ...r, users: [...r.users] }));
  const r = out.find((x) => x.emoji === emoji);
  if (on) {
    if (r && !r.users.includes(me)) { r.users.push(me); r.count = r.users.length; }
    if (!r) out.push({ emoji, count: 1, users: [me] });
  } else if (r && r.users.includes(me)) {
    r.users = r.users.filter((u) => u !== me);
    r.count = r.users.length;
  }
  return out.filter((x) => x.count > 0);
}

/**
 * The server's tally with my reactions not confirmed yet on top ({emoji, on} each, in the order
 * made): what the message shows until the server has them.
 */
export function withPending(reactions, pending, me) {
  return pending.reduce((out, p) => toggled(out, p.emoji, p.on, me), reactions || []);
}

/**
 * The chips of a message: one per emoji, pressed when I reacted with it (clicking toggles mine).
 * nameOf(userId) gives the names shown in the title; waiting holds the emoji whose change of mine
 * the server has not confirmed yet (shown as waiting).
 */
export function reactionChips(reactions, { me, nameOf, onToggle, waiting = new Set() }) {
  if (!reactions || !reactions.length) return null;
  return el('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' }, ...reactions.map((r) => {
    const mine = r.users.includes(me);
    const queued = waiting.has(r.emoji);
    const names = r.users.map(nameOf);
    const who = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0] || '';
    return el('button', {
      type: 'button', class: 'reaction' + (mine ? ' mine' : '') + (queued ? ' waiting' : ''), 'data-testid': 'reaction',
      'data-emoji': r.emoji, 'data-waiting': queued ? 'true' : null, 'aria-pressed': String(mine),
      title: names.join(', ') + (queued ? ' (not sent yet)' : ''),
      'aria-label': `${r.emoji} ${r.count}${who ? ': ' + who : ''}${queued ? ', not sent yet' : ''}`
        + `${mine ? '. Remove your reaction' : '. React with ' + r.emoji}`,
      onclick: () => onToggle(r.emoji, !mine),
    }, el('span', { class: 'emoji', 'aria-hidden': 'true' }, r.emoji), el('span', { class: 'n', 'aria-hidden': 'true' }, String(r.count)));
  }));
}

/** The picker: one at a time, floating next to the button that opened it. */
export class ReactionPicker {
  constructor() {
    this.error = el('p', { class: 'form-error small', role: 'alert' });
    this.input = el('input', { type: 'text', 'aria-label': 'Any emoji', placeholder: 'Any emoji…', maxlength: '32',
      autocomplete: 'off', spellcheck: 'false', 'data-testid': 'emoji-input' });
    this.quick = el('div', { class: 'quick', role: 'group', 'aria-label': 'Common reactions' },
      ...QUICK.map((emoji) => el('button', { type: 'button', class: 'quick-emoji', 'aria-label': `React with ${emoji}`, title: emoji,
        onclick: () => this.pick(emoji) }, emoji)));
    const form = el('form', { class: 'any-emoji', onsubmit: (e) => { e.preventDefault(); this.pick(this.input.value.trim()); } },
      this.input, el('button', { type: 'submit', class: 'primary small' }, 'Add'));
    this.node = el('div', { class: 'reaction-picker', role: 'dialog', 'aria-label': 'Add a reaction', hidden: true,
      'data-testid': 'reaction-picker' }, this.quick, form, this.error);
    this.node.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); this.close(); } });
    document.body.append(this.node);
    document.addEventListener('mousedown', (e) => {
      if (!this.node.hidden && !this.node.contains(e.target) && !(this.opener && this.opener.contains(e.target))) this.close(false);
    });
    addEventListener('resize', () => this.close(false));
  }

  get isOpen() { return !this.node.hidden; }

  /** Opens next to {@code opener}; onPick(emoji) is called with the one chosen. */
  open(opener, onPick) {
    if (this.isOpen && this.opener === opener) { this.close(); return; }
    this.opener = opener;
    this.onPick = onPick;
    this.input.value = '';
    this.error.textContent = '';
    this.node.hidden = false;
    const r = opener.getBoundingClientRect();
    const w = this.node.offsetWidth;
    const h = this.node.offsetHeight;
    // next to the button, towards the middle of the screen
    const left = Math.max(8, Math.min(innerWidth - w - 8, r.left + r.width / 2 < innerWidth / 2 ? r.left : r.right - w));
    const top = r.top - h - 6 >= 8 ? r.top - h - 6 : Math.min(innerHeight - h - 8, r.bottom + 6);
    this.node.style.setProperty('left', `${left}px`);
    this.node.style.setProperty('top', `${Math.max(8, top)}px`);
    this.quick.querySelector('button').focus();
  }

  pick(emoji) {
    if (!isOneEmoji(emoji)) {
      this.error.textContent = 'Enter one emoji.';
      this.input.focus();
      return;
    }
    const onPick = this.onPick;
    this.close();
    onPick(emoji);
  }

  close(refocus = true) {
    if (this.node.hidden) return;
    this.node.hidden = true;
    if (refocus && this.opener && this.opener.isConnected) this.opener.focus();
    this.opener = null;
  }
}
