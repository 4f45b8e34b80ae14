// Which transport the next connection uses, and when to try the WebSocket again (pure: no DOM, no
// timers; net/socket.js acts on it). The WebSocket comes first. A connection that ends before its
// `welcome` has failed: an upgrade refused by a proxy, or a socket that dies at once. After
// SWITCH_AFTER failures in a row the HTTP fallback is used (`/events` + `/events/frames`,
// docs/PROTOCOL.md, "Without WebSockets"); after as many failures in a row of the fallback, the
// WebSocket again (the network may have changed). While the fallback is up, the WebSocket is tried
// beside it after 10 s, then at doubling intervals up to 30 s, and taken over once it welcomes.
// Failures while the browser says it is offline do not count: they say nothing of the network.
// Switching does not restart the reconnection backoff (an outage must not make clients busier),
// so the transport that last welcomed on this device is tried first (net/socket.js keeps it).

export const SWITCH_AFTER = 3;
export const WS_RETRY_FIRST_MS = 10_000;
export const WS_RETRY_MAX_MS = 30_000;

export class TransportPolicy {
  /** @param {string} [first] the transport to try first: the one that last welcomed on this device */
  constructor(first = 'ws') {
    this.kind = first === 'http' ? 'http' : 'ws'; // what the next connection uses: 'ws' or 'http'
    this.failures = 0;  // connections of this kind that ended before their welcome, in a row
    this.retries = 0;   // WebSocket tries made beside the fallback since it last welcomed
  }

  /** A connection of this kind got its welcome: it works. */
  welcomed(kind) {
    this.kind = kind;
    this.failures = 0;
    this.retries = 0;
  }

  /** A connection of this kind ended before its welcome; true when the next one switches transport. */
  failed(kind, online = true) {
    if (!online || kind !== this.kind) return false;
    if (++this.failures < SWITCH_AFTER) return false;
    this.kind = kind === 'ws' ? 'http' : 'ws';
    this.failures = 0;
    return true;
  }

  /** While on the fallback: how long until the WebSocket is tried again beside it (each call backs off). */
  retryDelay() {
    return Math.min(WS_RETRY_MAX_MS, WS_RETRY_FIRST_MS * 2 ** this.retries++);
  }
}
