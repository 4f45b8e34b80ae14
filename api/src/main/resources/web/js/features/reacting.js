// My reactions on their way to the server. Each shows at once and is kept on the device until the
// server has it: offline, or with the server out of reach, it waits (survives a reload) and goes
// after the next welcome. Only the latest wish per message and emoji is kept: react is a set, not
// a toggle, so sending it again is safe. Until confirmed it is drawn on top of the server's tally.
import { api, refusedForGood } from '../net/api.js';
import { state, socketOpen, nextOrder } from '../model/state.js';
import { onReactions } from '../events.js';
import { renderMessages } from '../views/messages.js';
import { notice } from '../views/common.js';

const reactionKey = (id, seq, emoji) => `${id} ${seq} ${emoji}`;

/** My reactions to a message the server has not confirmed yet, in the order made. */
export function waitingReactions(id, seq) {
  const out = [];
  for (const r of state.reactions.values()) if (r.conversation === id && r.seq === seq) out.push(r);
  return out.sort((a, b) => a.order - b.order);
}

/** Sets my reaction (on or off). */
export function react(id, seq, emoji, on) {
  if (!state.messages.get(id)?.has(seq)) return;
  const key = reactionKey(id, seq, emoji);
  const wish = { key, conversation: id, seq, emoji, on, order: nextOrder() };
  state.reactions.set(key, wish);
  if (id === state.current) renderMessages();
  // kept on the device and sent at once: the write is queued before the answer's delete, so it cannot outlive it
  if (state.store) state.store.put('reactions', [wish]);
  sendReaction(key);
}

const reacting = new Set(); // keys with a request in flight: one at a time per message and emoji

/** Sends the wish held for this key; a newer wish made meanwhile goes right after it. */
async function sendReaction(key) {
  const wish = state.reactions.get(key);
  if (!wish || reacting.has(key)) return;
  if (!socketOpen() && navigator.onLine === false) return; // waits for the next welcome
  reacting.add(key);
  const { conversation: id, seq, emoji, on } = wish;
  try {
    let result = null;
    if (socketOpen()) {
      try {
        result = (await state.socket.request({ type: 'react', conversation: id, seq, emoji, on })).result;
      } catch (e) {
        if (e.code) throw e; // refused; otherwise the socket went away: the same request over REST
      }
    }
    if (!result) result = await api.react(id, seq, emoji, on);
    settleReaction(wish);
    onReactions(result); // from now on the server's tally is the truth
  } catch (e) {
    if (refusedForGood(e)) {
      settleReaction(wish); // undone: the server's tally shows again
      if (id === state.current) {
        renderMessages();
        notice(`${on ? 'Could not add' : 'Could not remove'} ${emoji}: ${e.message}`);
      }
    } else if (socketOpen()) {
      // the server is busy (or the request was lost): try again a little later
      wish.attempts = (wish.attempts || 0) + 1;
      setTimeout(() => sendReaction(key), Math.min(30_000, 1000 * 2 ** wish.attempts));
    }
    // otherwise offline, or the server out of reach: it waits, and goes after the next welcome
  } finally {
    reacting.delete(key);
  }
  const newer = state.reactions.get(key);
  if (newer && newer !== wish) sendReaction(key);
}

/** The server has answered this wish: it is no longer waiting (unless a newer one replaced it). */
function settleReaction(wish) {
  if (state.reactions.get(wish.key) !== wish) return;
  state.reactions.delete(wish.key);
  if (state.store) state.store.delete('reactions', wish.key);
}

/** After (re)connecting, every reaction still waiting goes (each key once; the server's answer settles it). */
export function flushReactions() {
  [...state.reactions.values()].sort((a, b) => a.order - b.order).forEach((r) => sendReaction(r.key));
}
