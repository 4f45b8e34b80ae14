// Web Push on this device: turned on only when the person asks (the profile's "Turn on
// notifications", never on page load): permission, then a subscription made with the server's
// VAPID key and sent to the server; turned off (and on logout) it is deleted on both sides. The
// service worker (sw.js) shows each push and opens its chat when clicked.
import { api } from '../net/api.js';

/** Whether this browser can receive pushes at all. */
export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** base64url → bytes, for applicationServerKey. */
export function keyBytes(text) {
  const b = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/** This device's current subscription, or null. */
export async function currentSubscription() {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/**
 * Asks for permission and subscribes; resolves to the subscription, or throws an Error whose
 * message says what to do (denied, unsupported, the browser refused).
 */
export async function turnOn() {
  if (!pushSupported()) throw new Error('This browser cannot show notifications from a closed app.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site: allow them in the browser\u2019s site settings.');
  const { publicKey } = await api.pushKey();
  const reg = await navigator.serviceWorker.ready;
  let sub;
  try {
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch (e) {
    throw new Error(`The browser could not subscribe to notifications (${e.name || 'error'}).`);
  }
  await api.pushSubscribe(sub.toJSON());
  return sub;
}

/** Unsubscribes this device and tells the server; never throws (logout goes on regardless). */
export async function turnOff() {
  try {
    const sub = await currentSubscription();
    if (!sub) return;
    await api.pushUnsubscribe(sub.endpoint).catch(() => {});
    await sub.unsubscribe();
  } catch { /* nothing subscribed, or the browser forgot already */ }
}
