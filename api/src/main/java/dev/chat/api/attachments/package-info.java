/**
 * Attachments: resumable chunked uploads ({@link dev.chat.api.attachments.AttachmentService},
 * {@link dev.chat.api.attachments.AttachmentStore}), what the bytes really are (sniffed, never
 * taken from the name), pictures made safe to share (location metadata removed, thumbnails), and
 * the storage the bytes live in.
 */
package dev.chat.api.attachments;
