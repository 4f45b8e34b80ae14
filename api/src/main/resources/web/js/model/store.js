// The device's copy of the user's chats in IndexedDB: conversations, messages, the outbox of
// messages typed but not yet accepted by the server (with the file or recording of an attachment
// not yet uploaded, as a Blob) and the reactions made but not yet confirmed by the server. It lets
// the app open instantly (and offline) and keeps what the user did across reloads and closed tabs.
// One database per user.

const VERSION = 2; // 2: the reactions store

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Walks a conversation's messages below {@code below} from the newest down, into {@code out}. */
function collect(os, conversationId, below, limit, out) {
  let taken = 0;
  const range = IDBKeyRange.bound([conversationId, -Infinity], [conversationId, below], false, true);
  os.openCursor(range, 'prev').onsuccess = (e) => {
    const cursor = e.target.result;
    if (!cursor || taken >= limit) return;
    out.push(cursor.value);
    taken++;
    cursor.continue();
  };
}

export class Store {
  static async open(userId) {
    const request = indexedDB.open(`chat-${userId}`, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      const create = (name, keyPath) => { if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath }); };
      create('conversations', 'id');
      create('messages', ['conversation', 'seq']);
      create('outbox', 'clientMsgId');
      // my reactions waiting for the server, one per message and emoji: {key, conversation, seq, emoji, on, order}
      create('reactions', 'key');
    };
    // A tab still running an older version holds the database open: rather than wait for it, this
    // tab works without a device copy (online only) and lets the upgrade happen when that tab goes.
    let gaveUp = false;
    const blocked = new Promise((resolve, reject) => {
      request.onblocked = () => { gaveUp = true; reject(new Error('another tab holds an older device copy open')); };
    });
    const opened = promised(request).then((db) => { if (gaveUp) db.close(); return db; });
    return new Store(await Promise.race([opened, blocked]));
  }

  constructor(db) {
    this.db = db;
    // a newer version of the app (another tab) upgrades the database: let it, this tab reloads into it later
    db.onversionchange = () => db.close();
    this.soon = new Map(); // store name -> values written together shortly
    this.soonTimer = 0;
  }

  async all(store) {
    return promised(this.db.transaction(store).objectStore(store).getAll());
  }

  /**
   * The newest messages of every conversation named, up to {@code perConversation} each, read in
   * one transaction: the device opens with the recent window of each chat, not its whole history.
   */
  newestMessages(conversationIds, perConversation) {
    return new Promise((resolve) => {
      const out = [];
      const tx = this.db.transaction('messages');
      const os = tx.objectStore('messages');
      conversationIds.forEach((id) => collect(os, id, Infinity, perConversation, out));
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => { console.warn('cache read failed', tx.error); resolve(out); };
    });
  }

  /** Up to {@code limit} messages of a conversation below {@code seq}, newest first. */
  messagesBefore(conversationId, seq, limit) {
    return new Promise((resolve) => {
      const out = [];
      const tx = this.db.transaction('messages');
      collect(tx.objectStore('messages'), conversationId, seq, limit, out);
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => resolve(out);
    });
  }

  /** Up to {@code limit} messages of a conversation above {@code seq}, oldest first. */
  messagesAfter(conversationId, seq, limit) {
    return this.range(IDBKeyRange.bound([conversationId, seq], [conversationId, Infinity], true, false), 'next', limit);
  }

  /** The messages of a conversation from {@code from} to {@code to}, both included, oldest first. */
  messagesBetween(conversationId, from, to) {
    return this.range(IDBKeyRange.bound([conversationId, from], [conversationId, to]), 'next', Infinity);
  }

  range(keys, direction, limit) {
    return new Promise((resolve) => {
      const out = [];
      const tx = this.db.transaction('messages');
      tx.objectStore('messages').openCursor(keys, direction).onsuccess = (e) => {
        const cursor = e.target.result;
        if (!cursor || out.length >= limit) return;
        out.push(cursor.value);
        cursor.continue();
      };
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => resolve(out);
    });
  }

  /**
   * Every message on the device that {@code keep} accepts, read in one pass (offline search;
   * keep matches first, so only the matches are kept in memory).
   */
  everyMessage(keep) {
    return new Promise((resolve) => {
      const out = [];
      const tx = this.db.transaction('messages');
      tx.objectStore('messages').openCursor().onsuccess = (e) => {
        const cursor = e.target.result;
        if (!cursor) return;
        if (keep(cursor.value)) out.push(cursor.value);
        cursor.continue();
      };
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => { console.warn('cache read failed', tx.error); resolve(out); };
    });
  }

  /** Writes values in one transaction; failures are logged, never thrown at the UI. */
  put(store, values) {
    if (!values.length) return Promise.resolve();
    return new Promise((resolve) => {
      const tx = this.db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      values.forEach((v) => os.put(v));
      tx.oncomplete = () => resolve();
      tx.onerror = () => { console.warn('cache write failed', tx.error); resolve(); };
      tx.commit?.(); // at once: flush() also runs on pagehide, when the page may not see the task end
    });
  }

  /**
   * Writes a value with the others that come within 100 ms, in one transaction: a burst of live
   * messages costs one write, not one each. Only for the cache (a value lost to a closed tab is
   * fetched again); the outbox is written at once with put.
   */
  putSoon(store, value) {
    if (!this.soon.has(store)) this.soon.set(store, []);
    this.soon.get(store).push(value);
    if (!this.soonTimer) this.soonTimer = setTimeout(() => this.flush(), 100);
  }

  flush() {
    clearTimeout(this.soonTimer);
    this.soonTimer = 0;
    const batches = [...this.soon];
    this.soon.clear();
    return Promise.all(batches.map(([store, values]) => this.put(store, values)));
  }

  /**
   * Rewrites values the device already holds, in one transaction: {@code changes} is a list of
   * [key, fn] where fn(old) gives the new value. Keys it does not hold are left out, so a change
   * to an old message never leaves a lone message (a gap) in the device's contiguous copy.
   */
  updateExisting(store, changes) {
    if (!changes.length) return Promise.resolve();
    return new Promise((resolve) => {
      const tx = this.db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      for (const [key, fn] of changes) {
        os.get(key).onsuccess = (e) => { if (e.target.result) os.put(fn(e.target.result)); };
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => { console.warn('cache update failed', tx.error); resolve(); };
    });
  }

  delete(store, key) {
    return new Promise((resolve) => {
      const tx = this.db.transaction(store, 'readwrite');
      tx.objectStore(store).delete(key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => resolve();
    });
  }

  /** Outbox entries in the order they were typed. */
  async outbox() {
    return (await this.all('outbox')).sort((a, b) => a.order - b.order);
  }

  close() {
    clearTimeout(this.soonTimer);
    this.soon.clear();
    this.db.close();
  }

  static remove(userId) {
    return promised(indexedDB.deleteDatabase(`chat-${userId}`)).catch(() => {});
  }
}
