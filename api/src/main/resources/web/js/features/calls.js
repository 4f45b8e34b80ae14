// 1:1 calls (docs/PROTOCOL.md, "Calls over the socket"): the peer connection and the call's
// lifecycle on this device. Signalling goes over the chat socket (call.* frames); media goes
// browser to browser, directly or through the TURN server whose short-lived credentials come from
// GET /api/calls/ice-servers. One call at a time; the call screen is views/call.js.
import { api } from '../net/api.js';
import { state } from '../model/state.js';

/** The call on this device, or null: {id, conversation, role, video, pc, local, phase, ...}. */
export let call = null;
let listener = () => {};
let signals = 0; // ids of the frames answered only when refused
/** views/call.js is told of every change (phase, media, the reason it ended). */
export function onCallChange(fn) { listener = fn; }
const changed = () => listener(call);

/** Forcing the TURN relay (tests, troubleshooting): localStorage 'chat.calls.relay' = '1'. */
const policy = () => (localStorage.getItem('chat.calls.relay') === '1' ? 'relay' : 'all');

function newCall(id, conversation, role, video, extra = {}) {
  call = { id, conversation, role, video, pc: null, local: null, remote: new MediaStream(), phase: 'starting',
    acked: false, outbox: [], inbox: [], audio: true, camera: video, peerAudio: true, peerVideo: video, ...extra };
  return call;
}

/** The peer connection with my microphone (and camera) on it; candidates wait until the server knows the call. */
async function connect(c) {
  const { iceServers } = await api.iceServers();
  c.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: c.video });
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy() });
  c.pc = pc;
  c.local.getTracks().forEach((t) => pc.addTrack(t, c.local));
  pc.ontrack = (e) => { c.remote.addTrack(e.track); changed(); };
  pc.onicecandidate = (e) => {
    if (!e.candidate || !e.candidate.candidate) return;
    const frame = { type: 'call.ice', id: 'ice' + (++signals), conversation: c.conversation, call: c.id, candidate: e.candidate.candidate,
      sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex };
    if (c.acked) state.socket.send(frame); else c.outbox.push(frame);
  };
  pc.oniceconnectionstatechange = () => onIceState(c);
  // an ICE restart (restartIce below) needs a new offer: the caller makes it, so the two never cross
  pc.onnegotiationneeded = async () => {
    if (call !== c || !c.answered || c.role !== 'caller') return;
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
    describe(c, 'offer');
  };
  return pc;
}

function describe(c, kind) {
  state.socket.send({ type: 'call.renegotiate', id: 'sdp' + (++signals), conversation: c.conversation, call: c.id,
    sdp: c.pc.localDescription.sdp, kind });
}

/** The peer's new offer (its ICE restart: answer it) or its answer to mine. */
async function renegotiated(c, data) {
  await c.pc.setRemoteDescription({ type: data.kind, sdp: data.sdp });
  if (data.kind === 'offer') {
    await c.pc.setLocalDescription(await c.pc.createAnswer());
    describe(c, 'answer');
  }
}

/** A path lost this long ("disconnected": browsers may stay so for half a minute) is restarted; again as long as it is lost. */
export const RESTART_AFTER_MS = 3_000;
/** Lost this long, the call is hung up: both sides see it end, and its record is written. */
export const GIVE_UP_AFTER_MS = 20_000;

function onIceState(c) {
  if (c !== call) return;
  const s = c.pc.iceConnectionState;
  if (s === 'connected' || s === 'completed') {
    c.phase = 'active';
    c.since = c.since || Date.now();
    clearTimeout(c.giveUp);
    clearTimeout(c.restarting);
    c.giveUp = c.restarting = null;
  } else if ((s === 'disconnected' || s === 'failed') && (c.phase === 'active' || c.phase === 'reconnecting')) {
    c.phase = 'reconnecting'; // the screen says so; the caller restarts ICE, with a new offer (onnegotiationneeded)
    if (c.role === 'caller' && !c.restarting) c.restarting = setTimeout(() => restart(c), s === 'failed' ? 0 : RESTART_AFTER_MS);
    c.giveUp = c.giveUp || setTimeout(() => { if (call === c && c.phase === 'reconnecting') hangUp('lost'); }, GIVE_UP_AFTER_MS);
  }
  changed();
}

/**
 * The caller restarts ICE (new credentials, candidates gathered anew: a relay allocated again) and
 * tries again while the call stays lost; the callee answers the new offer (renegotiated), so the
 * two never offer at once.
 */
function restart(c) {
  if (call !== c || c.phase !== 'reconnecting') { c.restarting = null; return; }
  c.restarts = (c.restarts || 0) + 1;
  c.pc.restartIce();
  c.restarting = setTimeout(() => restart(c), RESTART_AFTER_MS * 2);
}

/** The server knows the call now: my candidates may go. */
function acked(c) {
  c.acked = true;
  c.outbox.splice(0).forEach((f) => state.socket.send(f));
}

async function addRemote(c, cand) {
  try {
    await c.pc.addIceCandidate({ candidate: cand.candidate, sdpMid: cand.sdpMid, sdpMLineIndex: cand.sdpMLineIndex });
  } catch (e) { console.warn('candidate refused', e); }
}

/** Calls the other person of a direct chat. */
export async function startCall(conversation, video) {
  if (call) return;
  const c = newCall(crypto.randomUUID(), conversation, 'caller', video);
  changed();
  try {
    const pc = await connect(c);
    await pc.setLocalDescription(await pc.createOffer());
    const { result } = await state.socket.request({ type: 'call.invite', conversation, call: c.id, sdp: pc.localDescription.sdp, video });
    if (call !== c) return;
    if (result.state === 'ended') { finish(c, result.reason); return; }
    c.phase = 'calling';
    acked(c);
  } catch (e) {
    finish(c, e.code === 'already_in_call' ? 'in another call' : 'failed');
  }
  changed();
}

/** A call for me: ring, unless this device is in a call already (the server said busy to a second caller). */
function incoming(ev) {
  if (call) return;
  const c = newCall(ev.data.call, ev.conversation, 'callee', ev.data.video, { offer: ev.data.sdp, from: ev.data.from });
  c.phase = 'ringing';
  state.socket.request({ type: 'call.ringing', conversation: c.conversation, call: c.id }).catch(() => {});
  changed();
}

export async function accept() {
  const c = call;
  if (!c || c.role !== 'callee' || c.phase !== 'ringing') return;
  c.phase = 'connecting';
  changed();
  try {
    const pc = await connect(c);
    await pc.setRemoteDescription({ type: 'offer', sdp: c.offer });
    for (const cand of c.inbox.splice(0)) await addRemote(c, cand);
    await pc.setLocalDescription(await pc.createAnswer());
    await state.socket.request({ type: 'call.answer', conversation: c.conversation, call: c.id, sdp: pc.localDescription.sdp });
    c.answered = true;
    acked(c);
  } catch (e) {
    finish(c, e.code === 'call_state_conflict' ? 'answered elsewhere' : 'failed');
  }
}

/** Declines a ringing call, cancels my unanswered one, or ends the call ('lost': given up on a lost connection). */
export function hangUp(why) {
  const c = call;
  if (!c) return;
  const type = c.role === 'callee' && c.phase === 'ringing' ? 'call.reject'
    : c.role === 'caller' && c.phase === 'calling' ? 'call.cancel' : 'call.hangup';
  if (c.acked || c.role === 'callee') state.socket.request({ type, conversation: c.conversation, call: c.id }).catch(() => {});
  finish(c, type === 'call.reject' ? 'declined' : type === 'call.cancel' ? 'cancelled' : why === 'lost' ? 'lost' : 'ended');
}

/** Microphone or camera on or off; the peer is told. */
export function toggle(kind) {
  const c = call;
  if (!c || !c.local) return;
  if (kind === 'audio') c.audio = !c.audio; else c.camera = !c.camera;
  c.local.getTracks().filter((t) => t.kind === (kind === 'audio' ? 'audio' : 'video'))
    .forEach((t) => { t.enabled = kind === 'audio' ? c.audio : c.camera; });
  if (c.acked) state.socket.send({ type: 'call.media', id: 'media' + (++signals), conversation: c.conversation, call: c.id, audio: c.audio, video: c.camera });
  changed();
}

/** The microphones and cameras this device has: [{deviceId, kind ('audioinput'|'videoinput'), label}]. */
export async function devices() {
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput');
}

/**
 * Switches the microphone or camera during the call: a new track from that device replaces the old
 * one on the connection (RTCRtpSender.replaceTrack: no new offer), keeping it on or off as it was.
 */
export async function useDevice(kind, deviceId) {
  const c = call;
  if (!c || !c.local || !c.pc) return;
  const media = kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } };
  const track = (await navigator.mediaDevices.getUserMedia(media)).getTracks()[0];
  if (call !== c) { track.stop(); return; }
  const old = c.local.getTracks().find((t) => t.kind === track.kind);
  track.enabled = kind === 'audio' ? c.audio : c.camera;
  const sender = c.pc.getSenders().find((s) => s.track === old || (s.track && s.track.kind === track.kind));
  if (sender) await sender.replaceTrack(track);
  if (old) { c.local.removeTrack(old); old.stop(); }
  c.local.addTrack(track);
  changed();
}

function finish(c, reason) {
  if (call !== c) return;
  clearTimeout(c.giveUp);
  clearTimeout(c.restarting);
  if (c.pc) c.pc.close();
  if (c.local) c.local.getTracks().forEach((t) => t.stop());
  c.phase = 'ended';
  c.reason = reason;
  call = null;
  listener(c);
}

const REASONS = { hangup: 'ended', cancelled: 'cancelled', rejected: 'declined', missed: 'missed', busy: 'busy' };

/** Every call.* event (events.js hands them here). */
export async function onCallEvent(ev, mySession) {
  if (ev.type === 'call.incoming') { incoming(ev); return; }
  const c = call;
  if (!c || c.id !== ev.data.call) return;
  switch (ev.type) {
    case 'call.ringing': c.phase = 'calling'; c.ringing = true; break;
    case 'call.answered':
      c.phase = 'connecting';
      c.answered = true;
      await c.pc.setRemoteDescription({ type: 'answer', sdp: ev.data.sdp });
      for (const cand of c.inbox.splice(0)) await addRemote(c, cand);
      break;
    case 'call.answered.elsewhere': if (ev.data.session !== mySession) finish(c, 'answered elsewhere'); return;
    case 'call.ice':
      if (c.pc && c.pc.remoteDescription) await addRemote(c, ev.data); else c.inbox.push(ev.data);
      break;
    case 'call.renegotiate': await renegotiated(c, ev.data); break;
    case 'call.media': c.peerAudio = ev.data.audio; c.peerVideo = ev.data.video; break;
    case 'call.ended': finish(c, REASONS[ev.data.reason] || 'ended'); return;
    default: return;
  }
  changed();
}
