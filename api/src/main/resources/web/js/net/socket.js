// One WebSocket per tab for every conversation. Reconnects with capped exponential backoff and
// full jitter, at once when the browser comes back online or the tab becomes visible. Frames that
// expect an answer get an id; the promise settles on the matching ack or error frame.
import { refreshSession } from './api.js';

const MAX_BACKOFF_MS = 30_000;
const REQUEST_TIMEOUT_MS = 8_000;

/**
 * A frame as JSON text. U+FFFD is sent escaped: the node takes a raw one for bytes that were not
 * UTF-8 and closes the socket with 1007 (docs/PROTOCOL.md); in JSON it can only be inside a string.
 */
export function wire(frame) {
  return JSON.stringify(frame).replace(/\uFFFD/g, '\\ufffd');
}

export class ChatSocket {
  /**
   * @param {{onEvent: function(object), onWelcome: function(object), onState: function(string), onSignedOut: function()}} handlers
   */
  constructor(handlers) {
    this.h = handlers;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.ping = null;
    this.nextId = 1;
    this.pending = new Map();
    this.stopped = false;
    this.ready = false;
    addEventListener('online', () => this.reconnectNow());
    // the network is gone: say so now and drop the socket, so sends queue instead of waiting on it
    addEventListener('offline', () => {
      this.h.onState('offline');
      if (this.ws) this.ws.close(4000, 'offline');
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.reconnectNow();
    });
  }

  connect() {
    if (this.stopped || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    clearTimeout(this.timer);
    this.h.onState(navigator.onLine === false ? 'offline' : 'connecting');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    this.ws = ws;
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e.code);
    ws.onerror = () => { /* onclose follows */ };
  }

  receive(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (frame.type === 'welcome') {
      this.attempt = 0;
      this.ready = true;
      clearInterval(this.ping);
      this.ping = setInterval(() => this.send({ type: 'ping', id: 'p' + this.nextId++ }), (frame.heartbeatSeconds || 25) * 1000);
      this.h.onState('open');
      this.h.onWelcome(frame);
      return;
    }
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

  async closed(ws, code) {
    if (ws !== this.ws) return;
    this.ready = false;
    clearInterval(this.ping);
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error('disconnected')); }
    this.pending.clear();
    if (this.stopped) return;
    if (code === 4401) {
      if (!(await refreshSession())) { this.stopped = true; this.h.onSignedOut(); return; }
      this.attempt = 0;
    }
    this.h.onState(navigator.onLine === false ? 'offline' : 'connecting');
    const delay = this.attempt === 0 ? 250 : Math.random() * Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    this.attempt = 0;
    this.connect();
  }

  isOpen() { return this.ready && this.ws && this.ws.readyState === WebSocket.OPEN; }

  /** Fire and forget (typing, receipts): dropped when offline, the next sync repairs receipts. */
  send(frame) {
    if (this.isOpen()) this.ws.send(wire(frame));
  }

  /** A frame that expects an ack; rejects on an error frame, a disconnect or a timeout. */
  request(frame) {
    if (!this.isOpen()) return Promise.reject(new Error('not connected'));
    const id = 'c' + this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error('timeout')); }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(wire({ ...frame, id }));
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    if (this.ws) this.ws.close(1000, 'bye');
  }
}
