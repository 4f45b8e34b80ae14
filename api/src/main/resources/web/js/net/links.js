// The two ways one connection reaches a ws-node, with one shape: the WebSocket at /ws, and the
// HTTP fallback (docs/PROTOCOL.md, "Without WebSockets"): an EventSource on /events for the server's
// frames, and each client frame POSTed to /events/frames, one at a time in order, its answer (ack,
// error, pong) taken as if the stream had brought it. A link reports each frame's text to
// frame(text), and its end exactly once to closed(code), with the close code a socket would get
// (1006: dropped). net/socket.js decides which one to open, and when.

const wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

export class WsLink {
  constructor(handlers) {
    this.kind = 'ws';
    const ws = new WebSocket(wsUrl());
    this.ws = ws;
    ws.onmessage = (e) => handlers.frame(e.data);
    ws.onclose = (e) => handlers.closed(e.code);
    ws.onerror = () => { /* onclose follows */ };
  }

  isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  send(text) { this.ws.send(text); }

  close(code, reason) { this.ws.close(code, reason); }
}

export class HttpLink {
  constructor(handlers) {
    this.kind = 'http';
    this.h = handlers;
    this.ended = false;
    this.welcomed = false;
    this.chain = Promise.resolve();
    const es = new EventSource('/events');
    this.es = es;
    es.onmessage = (e) => {
      if (this.ended) return;
      this.welcomed = true;
      handlers.frame(e.data);
    };
    // the node ends the stream with the close code a socket would get (4401: log in again...)
    es.addEventListener('close', (e) => {
      let code = 1006;
      try { code = JSON.parse(e.data).code || 1006; } catch { /* not JSON: a dropped connection */ }
      this.end(code);
    });
    // a stream that breaks is a dropped connection; reconnecting is net/socket.js's business, not
    // EventSource's. One refused before its welcome may be a session to refresh: a frame tells
    es.onerror = () => {
      if (this.welcomed || this.ended) { this.end(1006); return; }
      es.close();
      this.post(JSON.stringify({ type: 'ping', id: 'probe' }), true).then(() => this.end(1006));
    };
  }

  isOpen() { return !this.ended; }

  /** Posts a frame after the ones before it have their answers: they reach the server in order. */
  send(text) {
    this.chain = this.chain.then(() => this.post(text));
  }

  /** One frame; its answer goes to frame(), as the stream's frames do. quiet: the answer is not passed on. */
  async post(text, quiet = false) {
    if (this.ended) return;
    let res;
    try {
      res = await fetch('/events/frames', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: text,
      });
    } catch {
      this.end(1006); // the network: the connection is gone
      return;
    }
    if (res.status === 401) { this.end(4401); return; }
    if (res.status === 200 && !quiet) {
      const answer = await res.text().catch(() => null);
      if (answer !== null && !this.ended) this.h.frame(answer);
    } else if (res.status !== 200 && res.status !== 204) {
      this.end(res.status === 429 ? 4429 : 1011); // not a frame the server takes: as a socket's close
    }
  }

  close(code) { this.end(code); }

  end(code) {
    if (this.ended) return;
    this.ended = true;
    this.es.close();
    queueMicrotask(() => this.h.closed(code));
  }
}
