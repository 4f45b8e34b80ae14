// Signing in, up and out: the login / sign-up form, the session behind an app opened from the
// device, and logging out (a shared computer keeps nothing of the chats).
import { turnOff } from '../features/push.js';
import { $ } from '../ui.js';
import { api, ApiError } from '../net/api.js';
import { state, forgetChats } from '../model/state.js';
import { forgetDevice } from '../model/device.js';
import { cancelAll } from '../model/outbox.js';
import { showMe } from './common.js';
import { clearStaged } from './composer.js';
import { cancelRecording } from './recorder.js';

/** Where the signed-in user is kept on the device: the app opens from it without the network. */
export const ME_KEY = 'chat.me';

let signedIn = () => {};
/** What to do once someone has signed in (app.js opens the app). */
export function onSignIn(fn) { signedIn = fn; }

/** The session behind a device-opened app: still valid, someone else's now, or ended. */
export async function confirmSession() {
  try {
    const me = await api.me();
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    if (me.id !== state.me.id) { location.reload(); return; } // another account signed in meanwhile
    state.me = me;
    $('me-name').textContent = me.displayName || me.username;
    $('admin-entry').hidden = me.role !== 'admin';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      localStorage.removeItem(ME_KEY);
      showAuth('Your session has ended. Please log in again.');
    } // anything else is the network: keep working from the device
  }
}

let signingUp = false;
export function showAuth(message = '') {
  if (state.socket) { state.socket.stop(); state.socket = null; }
  $('app').hidden = true;
  $('auth').hidden = false;
  $('auth-error').textContent = message;
  $('username').focus();
}

function setAuthMode(signup) {
  signingUp = signup;
  $('auth-title').textContent = signup ? 'Create your account' : 'Welcome to Chat';
  $('auth-subtitle').textContent = signup ? 'Pick a username people can find you by.' : 'Log in to continue.';
  $('display-name-row').hidden = !signup;
  $('auth-submit').textContent = signup ? 'Sign up' : 'Log in';
  $('auth-switch-text').textContent = signup ? 'Already have an account?' : 'New here?';
  $('auth-switch').textContent = signup ? 'Log in instead' : 'Create an account';
  $('password').autocomplete = signup ? 'new-password' : 'current-password';
  $('password-rule').hidden = !signup; // the rule is said before anyone types
  $('auth-error').textContent = '';
  showPasswordError('');
}

/** A problem with the password itself, shown beside the field (and announced), not at the foot of the form. */
function showPasswordError(message) {
  const error = $('password-error');
  error.textContent = message;
  error.hidden = !message;
  error.setAttribute('role', message ? 'alert' : 'none');
  if (message) $('password').setAttribute('aria-invalid', 'true');
  else $('password').removeAttribute('aria-invalid');
}
$('password').addEventListener('input', () => showPasswordError(''));

$('auth-switch').addEventListener('click', () => setAuthMode(!signingUp));
$('auth-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const username = $('username').value.trim().toLowerCase();
  const password = $('password').value;
  const button = $('auth-submit');
  button.disabled = true;
  $('auth-error').textContent = '';
  showPasswordError('');
  try {
    const session = signingUp
      ? await api.signup(username, password, $('displayName').value.trim())
      : await api.login(username, password);
    state.me = session.user;
    localStorage.setItem(ME_KEY, JSON.stringify(state.me));
    $('password').value = '';
    signedIn();
    confirmSession(); // the full profile (its role shows the admin console link)
  } catch (err) {
    const aboutPassword = err instanceof ApiError && signingUp
      && (err.code === 'weak_password' || (err.code === 'validation_failed' && err.message.includes("'password'")));
    if (aboutPassword) {
      showPasswordError(err.message);
      $('password').focus();
    } else {
      $('auth-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server. Check your connection.';
    }
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  await turnOff(); // this device stops being notified, before the session that may delete its subscription ends
  try { await api.logout(); } catch { /* signed out locally anyway */ }
  localStorage.removeItem(ME_KEY);
  await forgetDevice(); // a shared computer keeps nothing of the chats
  cancelRecording();
  clearStaged();
  cancelAll(); // uploads stop
  forgetChats();
  setAuthMode(false);
  showAuth();
});
