// Huddles in channels (docs/PROTOCOL.md, "Huddles"): up to 8 members of a channel in one call, each
// pair joined by its own peer connection (a mesh). The server keeps who is in it and relays each
// pair's offer, answer and candidates to the one device they are for (huddle.signal); media goes
// browser to browser. Who offers: the newcomer, to everyone already there; should two offers ever
// cross, the side whose session id sorts first is "polite" and yields (perfect negotiation).
// Screen sharing replaces the camera's track on every connection (no new negotiation).
import { api } from '../net/api.js';
import { state } from '../model/state.js';

/** The live huddle of each channel I know of: conversation id -> the server's view (huddle.updated). */
export const huddles = new Map();
/** My huddle on this device, or null: {id, conversation, local, screen, audio, video, sharing, peers: Map(session -> peer)}. */
export let mine = null;
let listener = () => {};
let signals = 0;
/** views/huddle.js is told of every change. */
export function onHuddleChange(fn) { listener = fn; }
const changed = () => listener();

const policy = () => (localStorage.getItem('chat.calls.relay') === '1' ? 'relay' : 'all');

/** The server's view, kept when newer than what is held; an ended one is forgotten. */
function keep(h) {
  const held = huddles.get(h.conversation);
  if (held && held.huddle === h.huddle && held.version >= h.version) return false;
  if (h.state === 'live') huddles.set(h.conversation, h); else if (!held || held.huddle === h.huddle) huddles.delete(h.conversation);
  return true;
}

/** A channel's live huddle, asked once when the channel opens (events keep it after). */
export async function loadHuddle(conversation) {
  try {
    const { huddle } = await api.huddle(conversation);
    if (huddle) keep(huddle);
    changed();
  } catch (e) { /* offline or not a member: no banner */ }
}

function send(frame) {
  state.socket.send({ ...frame, id: 'h' + (++signals), conversation: mine.conversation, huddle: mine.id });
}

/** One peer connection, to the device {@code session} of {@code user}. */
function peer(session, user) {
  let p = mine.peers.get(session);
  if (p) return p;
  const pc = new RTCPeerConnection({ iceServers: mine.iceServers, iceTransportPolicy: policy() });
  p = { session, user, pc, remote: new MediaStream(), polite: state.session < session, makingOffer: false, ignoreOffer: false };
  mine.peers.set(session, p);
  pc.ontrack = (e) => { p.remote.addTrack(e.track); changed(); };
  pc.onicecandidate = (e) => {
    if (!e.candidate || !e.candidate.candidate || !mine) return;
    send({ type: 'huddle.signal', to: session, kind: 'ice', candidate: e.candidate.candidate,
      sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex });
  };
  pc.onnegotiationneeded = async () => {
    try {
      p.makingOffer = true;
      await pc.setLocalDescription();
      send({ type: 'huddle.signal', to: session, kind: 'offer', sdp: pc.localDescription.sdp });
    } catch (e) { console.warn('huddle offer', e); } finally { p.makingOffer = false; }
  };
  pc.onconnectionstatechange = changed;
  // the network changed under a pair: one side (the impolite one, so the two never both do) restarts ICE with a new offer
  pc.oniceconnectionstatechange = () => { if (pc.iceConnectionState === 'failed' && !p.polite) pc.restartIce(); };
  return p;
}

function addLocal(p) {
  for (const t of mine.local.getTracks()) {
    const track = t.kind === 'video' && mine.screen ? mine.screen.getVideoTracks()[0] : t;
    p.pc.addTrack(track, mine.local);
  }
}

/** An offer, answer or candidate from another participant's device. */
async function signalled(d) {
  if (!mine || mine.id !== d.huddle) return;
  const known = mine.peers.has(d.fromSession);
  const p = peer(d.fromSession, d.from);
  const pc = p.pc;
  if (d.kind === 'ice') {
    try { await pc.addIceCandidate({ candidate: d.candidate, sdpMid: d.sdpMid, sdpMLineIndex: d.sdpMLineIndex }); } catch (e) {
      if (!p.ignoreOffer) console.warn('huddle candidate', e);
    }
    return;
  }
  const collision = d.kind === 'offer' && (p.makingOffer || pc.signalingState !== 'stable');
  p.ignoreOffer = !p.polite && collision;
  if (p.ignoreOffer) return;
  await pc.setRemoteDescription({ type: d.kind, sdp: d.sdp });
  if (d.kind === 'offer') {
    if (!known) addLocal(p); // after the offer: my tracks take the transceivers it made
    await pc.setLocalDescription();
    send({ type: 'huddle.signal', to: d.fromSession, kind: 'answer', sdp: pc.localDescription.sdp });
  }
}

/** Joins the channel's huddle (starting it when none is live), with my microphone and camera. */
export async function join(conversation) {
  if (mine) return;
  const { iceServers } = await api.iceServers();
  const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  mine = { id: null, conversation, local, screen: null, audio: true, video: true, iceServers, peers: new Map() };
  changed();
  try {
    const { result } = await state.socket.request({ type: 'huddle.join', conversation, audio: true, video: true });
    mine.id = result.huddle;
    keep(result);
    // the newcomer offers to everyone already there (onnegotiationneeded, once the tracks are on)
    for (const x of result.participants) if (x.session !== state.session) addLocal(peer(x.session, x.user));
  } catch (e) {
    stop();
    throw e;
  }
  changed();
}

/** Leaves my huddle: the server tells the channel, and the huddle ends if I was the last. */
export function leave() {
  if (!mine) return;
  if (mine.id) state.socket.request({ type: 'huddle.leave', conversation: mine.conversation, huddle: mine.id }).catch(() => {});
  stop();
  changed();
}

function stop() {
  for (const p of mine.peers.values()) p.pc.close();
  mine.local.getTracks().forEach((t) => t.stop());
  if (mine.screen) mine.screen.getTracks().forEach((t) => t.stop());
  mine = null;
}

/** Microphone or camera on or off; the channel sees it in the participant list. */
export function toggle(kind) {
  if (!mine) return;
  mine[kind] = !mine[kind];
  mine.local.getTracks().filter((t) => t.kind === kind).forEach((t) => { t.enabled = mine[kind]; });
  media();
}

function media() {
  if (mine.id) send({ type: 'huddle.media', audio: mine.audio, video: mine.video, screen: !!mine.screen });
  changed();
}

/** Shares my screen in place of my camera on every connection, or goes back to the camera. */
export async function shareScreen() {
  if (!mine) return;
  if (mine.screen) { unshare(); return; }
  const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  mine.screen = screen;
  const track = screen.getVideoTracks()[0];
  track.onended = () => { if (mine && mine.screen === screen) unshare(); };
  await replaceVideo(track);
  media();
}

function unshare() {
  mine.screen.getTracks().forEach((t) => t.stop());
  mine.screen = null;
  replaceVideo(mine.local.getVideoTracks()[0]).then(media);
}

async function replaceVideo(track) {
  for (const p of mine.peers.values()) {
    const sender = p.pc.getSenders().find((s) => s.track && s.track.kind === 'video');
    if (sender) await sender.replaceTrack(track);
  }
}

/** Every huddle.* event (events.js hands them here). */
export function onHuddleEvent(ev) {
  if (ev.type === 'huddle.signal') { signalled(ev.data).catch((e) => console.warn('huddle signal', e)); return; }
  if (ev.type !== 'huddle.updated' || !keep(ev.data)) return;
  const h = ev.data;
  if (mine && mine.id === h.huddle) {
    const sessions = new Set(h.participants.map((x) => x.session));
    if (!sessions.has(state.session)) { stop(); changed(); return; } // left on another device, or the server took me out
    for (const [session, p] of mine.peers) if (!sessions.has(session)) { p.pc.close(); mine.peers.delete(session); }
  }
  changed();
}
