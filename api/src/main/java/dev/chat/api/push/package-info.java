/**
 * Web Push (issue 21): notifications for people whose app is closed, by the standards alone. The
 * stack's VAPID identity ({@link dev.chat.api.push.Vapid}, RFC 8292), subscriptions per device and
 * the previews setting under {@code /api/push} ({@link dev.chat.api.push.PushService}, SQL in
 * {@link dev.chat.api.push.PushStore}, V16), who gets a push for a committed event
 * ({@link dev.chat.api.push.Pushes}), and the sending to push services with retries
 * ({@link dev.chat.api.push.PushSender}, RFC 8030) of payloads encrypted for the browser
 * ({@link dev.chat.api.push.Aes128Gcm}, RFC 8291 and 8188). The cryptography is the JDK's
 * ({@link dev.chat.api.push.P256} adds the one missing piece, a scalar times the generator).
 */
package dev.chat.api.push;
