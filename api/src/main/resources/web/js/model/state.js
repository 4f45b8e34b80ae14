// The client's one state: the server's view of my chats and the messages held, what this device
// still has to send, and what the open screen shows. No DOM: views read it, events.js changes it
// through the model's rules (model/*.js), and node's test runner imports it as it is.

export const state = {
  me: null,
  conversations: new Map(), // id -> conversation (server view)
  messages: new Map(),      // id -> Map(seq -> message)
  loaded: new Set(),        // conversations whose newest page was fetched
  windows: new Map(),       // id -> a window of history away from the newest end (model/windows.js)
  pending: new Map(),       // id -> [{clientMsgId, text, status, at}]: the outbox in memory (model/outbox.js)
  reactions: new Map(),     // my reactions the server has not confirmed yet: key -> {key, conversation, seq, emoji, on, order}
  presence: new Map(),      // userId -> {state, lastSeen}
  typing: new Map(),        // conversation id -> Map(user -> until)
  names: new Map(),         // user id -> display name (group members), for sender names in channels
  namesOf: new Set(),       // groups whose member names are loaded
  current: null,
  editing: null,            // seq being edited in the current conversation
  replyTo: null,            // the message being replied to in the current conversation
  staged: null,             // a file picked for the next message, not yet sent
  highlight: null,          // {conversation, seq}: the message a quote jumped to
  selected: null,           // {conversation, seq}: the message whose actions a tap showed (touch screens)
  sendChains: new Map(),    // conversation id -> its sends, one after another in the order typed
  socket: null,
  session: null,            // this socket's session (its welcome's): which of my devices is in a call
  store: null,              // the device's copy (IndexedDB, model/store.js): opens instantly and offline
};

/** Forgets every chat held (signing out): the signed-in user and the screen are the caller's. */
export function forgetChats() {
  state.conversations.clear(); state.messages.clear(); state.loaded.clear(); state.pending.clear();
  state.windows.clear();
  state.reactions.clear();
  state.current = null;
}

/** The lowest seq held (Infinity: none). */
export const oldestOf = (held) => { let min = Infinity; for (const seq of held.keys()) if (seq < min) min = seq; return min; };
/** The highest seq held (0: none). */
export const newestOf = (held) => { let max = 0; for (const seq of held.keys()) if (seq > max) max = seq; return max; };

/** The messages held of a conversation, in seq order. */
export function sortedMessages(id) {
  return [...(state.messages.get(id) || new Map()).values()].sort((a, b) => a.seq - b.seq);
}

/** Whether the connection (the WebSocket or its HTTP fallback) is up: sends and receipts go over it, else over REST. */
export const socketOpen = () => !!(state.socket && state.socket.isOpen());

/** Ordering numbers for what the user does (sends, reactions): increasing, also within one millisecond. */
let orderSeq = 0;
export const nextOrder = (now = Date.now()) => now * 1000 + (orderSeq++ % 1000);
