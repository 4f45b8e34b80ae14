// A map kept on the device per signed-in user (localStorage), written at most every 250 ms:
// the sync cursors and the change versions (model/cursors.js) are two of them.

/**
 * @param {function(): ?string} key the storage key (it names the signed-in user; null: no one is signed in)
 * @param {{getItem, setItem, removeItem}} [storage] default: the page's localStorage (a stand-in in tests)
 */
export function keptMap(key, storage = null) {
  const store = () => storage || globalThis.localStorage;
  return {
    map: new Map(),
    timer: 0,
    key,
    load() {
      try { this.map = new Map(Object.entries(JSON.parse(store().getItem(key()) || '{}'))); } catch { this.map = new Map(); }
    },
    /** Sets a value and saves soon (one write for a burst of changes). */
    set(id, value) {
      this.map.set(id, value);
      if (!this.timer) this.timer = setTimeout(() => this.save(), 250);
    },
    save() {
      clearTimeout(this.timer);
      this.timer = 0;
      if (key()) store().setItem(key(), JSON.stringify(Object.fromEntries(this.map)));
    },
    forget() {
      clearTimeout(this.timer);
      this.timer = 0;
      this.map = new Map();
      if (key()) store().removeItem(key());
    },
  };
}
