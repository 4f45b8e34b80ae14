/**
 * Attachments: resumable chunked uploads, what the bytes really are (sniffed, never taken from
 * the name), images made safe to share (location metadata removed, thumbnails), and the storage
 * the bytes live in.
 */
package dev.chat.api.files;
