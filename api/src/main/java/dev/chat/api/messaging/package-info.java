/**
 * Messages and conversations: {@link dev.chat.api.messaging.Messaging} writes a message (REST and
 * WebSocket alike), {@link dev.chat.api.messaging.Outbox} guarantees its event is published,
 * {@link dev.chat.api.messaging.Receipts} and {@link dev.chat.api.messaging.Reactions} keep
 * cursors and reactions, {@link dev.chat.api.messaging.FrameHandler} answers the frames ws-nodes
 * hand off, {@link dev.chat.api.messaging.ConversationService} is the REST door and {@link
 * dev.chat.api.messaging.ConversationStore} its SQL.
 */
package dev.chat.api.messaging;
