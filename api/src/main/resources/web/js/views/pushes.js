// The profile's "Notifications on this device": turn Web Push on or off, and whether pushes show
// the message's words (features/push.js does the work).
import { $ } from '../ui.js';
import { api } from '../net/api.js';
import { currentSubscription, pushSupported, turnOff, turnOn } from '../features/push.js';

const STATES = {
  on: ['On: new messages reach this device while the app is closed.', 'Turn off notifications'],
  off: ['Off: nothing reaches you while the app is closed.', 'Turn on notifications'],
};

function show(state, note) {
  const [text, action] = STATES[state];
  $('push-state').textContent = note || text;
  $('push-toggle').textContent = action;
  $('push-toggle').dataset.state = state;
}

/** Fills the section when the profile opens: hidden where the browser or the server cannot push. */
export async function showPushSettings() {
  if (!pushSupported()) return;
  try {
    const settings = await api.pushSettings();
    if (!settings.available) return;
    $('push').hidden = false;
    $('push-previews').checked = settings.previews;
    show((await currentSubscription()) ? 'on' : 'off');
  } catch { /* offline: the section stays as it was */ }
}

$('push-toggle').addEventListener('click', async () => {
  const button = $('push-toggle');
  button.disabled = true;
  try {
    if (button.dataset.state === 'on') {
      await turnOff();
      show('off');
    } else {
      await turnOn();
      show('on');
    }
  } catch (e) {
    show('off', e.message);
  } finally {
    button.disabled = false;
  }
});

$('push-previews').addEventListener('change', async (e) => {
  try {
    await api.setPushSettings({ previews: e.target.checked });
  } catch {
    e.target.checked = !e.target.checked; // not saved: show what holds
  }
});
