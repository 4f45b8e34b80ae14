// Where this device stands in each conversation, kept on the device so a reload resumes from it:
// the contiguous sync cursor (the rule itself is ../cursor.js) and the highest change version
// applied. Sync (../sync.js) starts from both after every welcome; receipts report the cursor.
import { advance, contiguous } from '../cursor.js';
import { keptMap } from './kept.js';
import { state, oldestOf } from './state.js';

/**
 * Per conversation, the highest seq this device holds with nothing missing below it: sync starts
 * from it after every welcome, so a message missed live (4, while 5 came) is fetched rather than
 * skipped, and it is what `delivered` reports.
 */
export const cursors = Object.assign(keptMap(() => state.me && `chat.cursors.${state.me.id}`), {
  /** The conversation's cursor now, moved up through what is held (undefined: the chat is unknown). */
  update(id) {
    const c = state.conversations.get(id);
    if (!c) return this.map.get(id);
    // a chat this device has no cursor for yet starts where my account already received it
    // (some device of mine holds that much): a new device does not fetch every chat's history
    const old = this.map.has(id) ? this.map.get(id) : (c.deliveredSeq || 0);
    const now = advance(old, c.clearedSeq || 0, state.messages.get(id) || new Map());
    if (now !== this.map.get(id)) this.set(id, now);
    return now;
  },
  /** After reading the device's copy: the cursor never claims more than it holds (a write lost with a closed tab). */
  clampToHeld(id, held) {
    if (this.map.has(id)) this.map.set(id, Math.min(this.map.get(id), contiguous(oldestOf(held) - 1, held)));
  },
});

/**
 * The highest change version (edits, deletes, reactions) this device has applied, per
 * conversation: after being away it fetches only the changes above it.
 */
export const versions = Object.assign(keptMap(() => state.me && `chat.versions.${state.me.id}`), {
  note(id, v) {
    if (typeof v !== 'number' || v <= (this.map.get(id) ?? -1)) return;
    this.set(id, v);
  },
});
