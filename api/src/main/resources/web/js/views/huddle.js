// A channel's huddle: the bar under the header of a channel with a live huddle (who is in it, Join),
// the headphones button that starts or joins it, and the huddle panel (a tile per person with their
// video, the live participant list with microphone, camera and screen, mute, camera, share screen,
// leave). The huddle's logic is features/huddles.js.
import { $, ask } from '../ui.js';
import { state } from '../model/state.js';
import { huddles, mine, join, leave, toggle, shareScreen, loadHuddle, onHuddleChange } from '../features/huddles.js';

let shownFor = null;

const nameOf = (user) => (user === state.me?.id ? 'You' : state.names.get(user) || 'Someone');

/** The bar and the button for the open conversation; asks the server once per opening of a channel. */
function renderHuddleBar() {
  const c = state.conversations.get(state.current);
  const channel = !!c && c.kind === 'channel';
  $('huddle-start').hidden = !channel || !!mine;
  if (channel && shownFor !== c.id) { shownFor = c.id; loadHuddle(c.id); }
  const h = channel ? huddles.get(c.id) : null;
  $('huddle-bar').hidden = !h;
  if (!h) return;
  const names = h.participants.map((p) => nameOf(p.user));
  $('huddle-summary').textContent = `Huddle · ${names.join(', ')}`;
  $('huddle-join').hidden = !!mine && mine.conversation === c.id;
}

function tile(session, user, stream, me) {
  let box = $('huddle-tiles').querySelector(`[data-session="${session}"]`);
  if (!box) {
    box = document.createElement('figure');
    box.className = 'huddle-tile';
    box.dataset.session = session;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = me;
    const label = document.createElement('figcaption');
    box.append(video, label);
    $('huddle-tiles').append(box);
  }
  const video = box.querySelector('video');
  if (video.srcObject !== stream) video.srcObject = stream;
  box.querySelector('figcaption').textContent = nameOf(user);
  return box;
}

function renderPanel() {
  const panel = $('huddle');
  panel.hidden = !mine;
  if (!mine) { $('huddle-tiles').replaceChildren(); return; }
  const h = huddles.get(mine.conversation);
  const keep = new Set([tile(state.session, state.me.id, mine.screen || mine.local, true)]);
  for (const p of mine.peers.values()) keep.add(tile(p.session, p.user, p.remote, false));
  [...$('huddle-tiles').children].forEach((el) => { if (!keep.has(el)) el.remove(); });
  const people = (h ? h.participants : []).map((p) => {
    const li = document.createElement('li');
    li.dataset.user = p.user;
    const marks = [p.audio ? '' : 'muted', p.video ? '' : 'camera off', p.screen ? 'sharing screen' : ''].filter(Boolean);
    li.textContent = nameOf(p.user) + (marks.length ? ' · ' + marks.join(' · ') : '');
    return li;
  });
  $('huddle-people').replaceChildren(...people);
  $('huddle-mute').textContent = mine.audio ? 'Mute' : 'Unmute';
  $('huddle-mute').setAttribute('aria-pressed', String(!mine.audio));
  $('huddle-camera').textContent = mine.video ? 'Camera off' : 'Camera on';
  $('huddle-camera').setAttribute('aria-pressed', String(!mine.video));
  $('huddle-screen').textContent = mine.screen ? 'Stop sharing' : 'Share screen';
  $('huddle-screen').setAttribute('aria-pressed', String(!!mine.screen));
}

/** The bar, the button and (when I am in a huddle) its panel. */
export function renderHuddle() {
  renderHuddleBar();
  renderPanel();
}

/** Why a join was refused, in words (the server's code); anything else only goes to the console. */
const REFUSED = {
  already_in_call: ['You are in a call', 'Hang up your call (or leave your other huddle) first, then join this one.'],
  huddle_full: ['The huddle is full', 'A huddle holds 8 people at most.'],
};

function refused(e) {
  const why = REFUSED[e.code];
  if (why) ask({ title: why[0], message: why[1], actions: [{ label: 'OK', value: true }], cancelLabel: 'Close' });
  else console.warn('huddle join', e);
}

const joinHere = () => state.current && join(state.current).catch(refused).finally(renderHuddle);
onHuddleChange(renderHuddle);
$('huddle-start').addEventListener('click', joinHere);
$('huddle-join').addEventListener('click', joinHere);
$('huddle-leave').addEventListener('click', leave);
$('huddle-mute').addEventListener('click', () => toggle('audio'));
$('huddle-camera').addEventListener('click', () => toggle('video'));
$('huddle-screen').addEventListener('click', () => shareScreen().catch((e) => console.warn('screen sharing', e)));
