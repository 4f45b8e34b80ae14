// The call screen: the call button of a direct chat's header, the incoming call (accept, decline),
// and the call itself (the peer's video or name, my own picture, mute, camera, hang up, how long it
// has lasted, "Reconnecting…" while ICE restarts). The call's logic is features/calls.js.
import { $ } from '../ui.js';
import { state } from '../model/state.js';
import { titleOf } from './common.js';
import { startCall, accept, hangUp, toggle, onCallChange, devices, useDevice } from '../features/calls.js';

const STATUS = { starting: 'Starting…', calling: 'Calling…', connecting: 'Connecting…', reconnecting: 'Reconnecting…' };
const ENDED = { ended: 'Call ended', declined: 'Call declined', cancelled: 'Call cancelled', missed: 'No answer',
  busy: 'Busy', failed: 'Call failed', lost: 'Connection lost', 'answered elsewhere': 'Answered on another device', 'in another call': 'You are in another call or a huddle' };
let ticking = null;
let hiding = null;

const clock = (ms) => { const s = Math.floor(ms / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; };

function status(c) {
  if (c.phase === 'ringing') return c.video ? 'Incoming video call' : 'Incoming voice call';
  if (c.phase === 'calling') return c.ringing ? 'Ringing…' : 'Calling…';
  if (c.phase === 'active') return clock(Date.now() - c.since) + (c.peerAudio ? '' : ' · muted');
  return STATUS[c.phase] || '';
}

function render(c) {
  const box = $('call');
  clearTimeout(hiding);
  if (!c || c.phase === 'ended') { ended(c); return; }
  box.hidden = false;
  box.dataset.phase = c.phase;
  // the peer's picture once it comes; until then (ringing, calling, voice) the name and status in the middle
  box.classList.toggle('video', !!c.video && c.remote.getVideoTracks().length > 0);
  const conv = state.conversations.get(c.conversation);
  $('call-peer').textContent = conv ? titleOf(conv) : '';
  $('call-status').textContent = status(c);
  $('call-accept').hidden = c.phase !== 'ringing';
  $('call-hangup').hidden = false;
  $('call-hangup').textContent = c.phase === 'ringing' ? 'Decline' : c.role === 'caller' && c.phase === 'calling' ? 'Cancel' : 'Hang up';
  $('call-mute').hidden = !c.local;
  $('call-camera').hidden = !c.local || !c.video;
  $('call-mute').textContent = c.audio ? 'Mute' : 'Unmute';
  $('call-mute').setAttribute('aria-pressed', String(!c.audio));
  $('call-camera').textContent = c.camera ? 'Camera off' : 'Camera on';
  $('call-camera').setAttribute('aria-pressed', String(!c.camera));
  if ($('call-remote').srcObject !== c.remote) $('call-remote').srcObject = c.remote;
  if (c.local && $('call-local').srcObject !== c.local) $('call-local').srcObject = c.local;
  $('call-local').hidden = !c.local || !c.video || !c.camera;
  if (c.phase === 'active' && !ticking) ticking = setInterval(() => $('call-status').textContent = status(c), 1000);
  if (c.phase !== 'active') { clearInterval(ticking); ticking = null; }
  if (c.phase === 'ringing') $('call-accept').focus();
  $('call-devices').hidden = !c.local;
  if (c.local) pickers(c);
}

/** The device pickers: every microphone (and camera, in a video call), the one in use selected. */
async function pickers(c) {
  const all = await devices();
  for (const [id, kind, show] of [['call-mic', 'audio', true], ['call-cam', 'video', !!c.video]]) {
    const select = $(id);
    select.hidden = !show;
    const inUse = c.local.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
    const options = all.filter((d) => d.kind === kind + 'input').map((d, i) => {
      const o = document.createElement('option');
      o.value = d.deviceId;
      o.textContent = d.label || (kind === 'audio' ? 'Microphone ' : 'Camera ') + (i + 1);
      o.selected = d.deviceId === inUse;
      return o;
    });
    if (select.options.length !== options.length || select.value !== inUse) select.replaceChildren(...options);
  }
}

function ended(c) {
  clearInterval(ticking);
  ticking = null;
  $('call-remote').srcObject = null;
  $('call-local').srcObject = null;
  $('call-accept').hidden = true;
  $('call-mute').hidden = true;
  $('call-camera').hidden = true;
  $('call-hangup').hidden = true;
  $('call-devices').hidden = true;
  $('call').dataset.phase = 'ended';
  // "No answer" is the caller's; the person called missed it
  $('call-status').textContent = c?.reason === 'missed' && c.role === 'callee' ? 'Missed call' : ENDED[c?.reason] || 'Call ended';
  hiding = setTimeout(() => { $('call').hidden = true; $('call-hangup').hidden = false; }, 1500);
}

onCallChange(render);
$('call-voice').addEventListener('click', () => state.current && startCall(state.current, false));
$('call-video').addEventListener('click', () => state.current && startCall(state.current, true));
$('call-accept').addEventListener('click', accept);
$('call-hangup').addEventListener('click', () => hangUp());
$('call-mute').addEventListener('click', () => toggle('audio'));
$('call-camera').addEventListener('click', () => toggle('video'));
$('call-mic').addEventListener('change', (e) => useDevice('audio', e.target.value).catch((x) => console.warn('microphone', x)));
$('call-cam').addEventListener('change', (e) => useDevice('video', e.target.value).catch((x) => console.warn('camera', x)));
