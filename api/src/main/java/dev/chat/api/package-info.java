/**
 * api: the REST API and the only writer of PostgreSQL. This package starts it ({@link
 * dev.chat.api.Main} wires everything by hand), holds its configuration and the internal listener
 * ws-nodes hand frames to; the work is in one package per concern: {@code messaging} (the write
 * path, the outbox, receipts, reactions), {@code accounts} (auth, people, contacts, presence),
 * {@code groups} (groups, channels, invites), {@code attachments} (files, pictures), {@code admin}
 * (the console's API, the audit log), {@code http} (plumbing shared by every service: JSON in and
 * out, problems, the shapes returned, rate limits) and {@code db} (transactions, batched writes).
 */
package dev.chat.api;
