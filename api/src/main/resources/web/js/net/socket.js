// One connection per tab for every conversation: the WebSocket, or when the network will not carry
// one, the HTTP fallback (net/links.js; which one and when: net/transport.js). Reconnects with
// capped exponential backoff and full jitter, at once when the browser comes back online or the tab
// becomes visible. While on the fallback the WebSocket is tried beside it now and then, and takes
// over once it welcomes. Frames that expect an answer get an id; the promise settles on the
// matching ack or error frame, whichever transport brings it.
import { refreshSession } from './api.js';
import { HttpLink, WsLink } from './links.js';
import { TransportPolicy } from './transport.js';

const MAX_BACKOFF_MS = 30_000;
const REQUEST_TIMEOUT_MS = 8_000;
const KEPT_TRANSPORT = 'chat.transport'; // the transport that last welcomed on this device: tried first

const keptTransport = () => { try { return localStorage.getItem(KEPT_TRANSPORT); } catch { return null; } };

/**
 * A frame as JSON text. U+FFFD is sent escaped: the node takes a raw one for bytes that were not
 * UTF-8 and closes the socket with 1007 (docs/PROTOCOL.md); in JSON it can only be inside a string.
 */
export function wire(frame) {
  return JSON.stringify(frame).replace(/\uFFFD/g, '\\ufffd');
}

export class ChatSocket {
  /**
   * @param {{onEvent: function(object), onWelcome: function(object), onState: function(string, string), onSignedOut: function()}} handlers
   *   onState(state, transport): 'connecting' | 'open' | 'offline', and 'ws' or 'http'
   */
  constructor(handlers) {
    this.h = handlers;
    this.link = null;   // the connection in use (connecting or open)
    this.probe = null;  // a WebSocket tried beside the fallback
    this.policy = new TransportPolicy(keptTransport());
    this.attempt = 0;
    this.timer = null;
    this.probeTimer = null;
    this.ping = null;
    this.nextId = 1;
    this.pending = new Map();
    this.stopped = false;
    this.ready = false;
    addEventListener('online', () => this.reconnectNow());
    // the network is gone: say so now and drop the connection, so sends queue instead of waiting on it
    addEventListener('offline', () => {
      this.h.onState('offline', this.policy.kind);
      if (this.probe) this.probe.close(4000, 'offline');
      if (this.link) this.link.close(4000, 'offline');
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.reconnectNow();
    });
  }

  /** Which transport carries the connection now (or will): 'ws' or 'http'. */
  get transport() { return this.link ? this.link.kind : this.policy.kind; }

  connect() {
    if (this.stopped || this.link) return;
    clearTimeout(this.timer);
    this.h.onState(navigator.onLine === false ? 'offline' : 'connecting', this.policy.kind);
    this.link = this.open(this.policy.kind);
  }

  open(kind) {
    const handlers = { frame: (text) => this.receive(link, text), closed: (code) => this.closed(link, code) };
    const link = kind === 'http' ? new HttpLink(handlers) : new WsLink(handlers);
    return link;
  }

  receive(link, text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (frame.type === 'welcome') {
      if (link === this.probe) this.takeOver(link);
      if (link === this.link) this.welcomed(link, frame);
      return;
    }
    if (link !== this.link) return; // a probe before its welcome, or a link already let go
    if ((frame.type === 'ack' || frame.type === 'error') && this.pending.has(frame.id)) {
      const p = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.type === 'ack') p.resolve(frame); else p.reject(Object.assign(new Error(frame.detail), { code: frame.code }));
      return;
    }
    if (frame.type === 'pong' || frame.type === 'ack' || frame.type === 'error') return;
    this.h.onEvent(frame);
  }

  welcomed(link, frame) {
    this.policy.welcomed(link.kind);
    try { localStorage.setItem(KEPT_TRANSPORT, link.kind); } catch { /* storage refused: start from the WebSocket */ }
    this.attempt = 0;
    this.ready = true;
    clearInterval(this.ping);
    // the stream needs no pings of ours: the node writes its own and learns of a dead client from them
    if (link.kind === 'ws') {
      this.ping = setInterval(() => this.send({ type: 'ping', id: 'p' + this.nextId++ }), (frame.heartbeatSeconds || 25) * 1000);
    } else {
      this.scheduleProbe();
    }
    this.h.onState('open', link.kind);
    this.h.onWelcome(frame);
  }

  /**
   * The WebSocket tried beside the fallback welcomed: it carries the connection from now on. What
   * waited for an answer over the fallback is failed as on a disconnect, and sent again over the
   * socket with the same ids (a send's clientMsgId: never twice); events merge by seq meanwhile.
   */
  takeOver(link) {
    const old = this.link;
    this.probe = null;
    this.link = link;
    this.ready = false;
    this.failPending();
    if (old) old.close(1000, 'back to the WebSocket');
  }

  scheduleProbe() {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => this.probeNow(), this.policy.retryDelay());
  }

  probeNow() {
    clearTimeout(this.probeTimer);
    if (this.stopped || this.probe || !this.link || this.link.kind !== 'http') return;
    this.probe = this.open('ws');
  }

  failPending() {
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error('disconnected')); }
    this.pending.clear();
  }

  async closed(link, code) {
    if (link === this.probe) { // the WebSocket is still not usable: try again later
      this.probe = null;
      if (!this.stopped && this.link && this.link.kind === 'http') this.scheduleProbe();
      return;
    }
    if (link !== this.link) return;
    const welcomed = this.ready;
    this.link = null;
    this.ready = false;
    clearInterval(this.ping);
    clearTimeout(this.probeTimer);
    if (this.probe) this.probe.close(1000, 'the fallback ended');
    this.failPending();
    if (this.stopped) return;
    if (code === 4401) {
      if (!(await refreshSession())) { this.stopped = true; this.h.onSignedOut(); return; }
      this.attempt = 0;
    } else if (!welcomed) {
      this.policy.failed(link.kind, navigator.onLine !== false); // may switch transport; the backoff goes on
    }
    this.h.onState(navigator.onLine === false ? 'offline' : 'connecting', this.policy.kind);
    const delay = this.attempt === 0 ? 250 : Math.random() * Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** The network or the tab is back: connect now, or on the fallback, try the WebSocket now. */
  reconnectNow() {
    if (this.stopped) return;
    if (this.link) { if (this.ready) this.probeNow(); return; }
    this.attempt = 0;
    this.connect();
  }

  isOpen() { return this.ready && !!this.link && this.link.isOpen(); }

  /** Fire and forget (typing, receipts): dropped when offline, the next sync repairs receipts. */
  send(frame) {
    if (this.isOpen()) this.link.send(wire(frame));
  }

  /** A frame that expects an ack; rejects on an error frame, a disconnect or a timeout. */
  request(frame) {
    if (!this.isOpen()) return Promise.reject(new Error('not connected'));
    const id = 'c' + this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error('timeout')); }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.link.send(wire({ ...frame, id }));
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.probeTimer);
    clearInterval(this.ping);
    if (this.probe) this.probe.close(1000, 'bye');
    if (this.link) this.link.close(1000, 'bye');
  }
}
