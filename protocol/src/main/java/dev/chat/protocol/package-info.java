/**
 * The wire contract between clients, ws-nodes and api, in one place (described for people in
 * docs/PROTOCOL.md): the frames clients send ({@link dev.chat.protocol.ClientFrame}, by type
 * {@link dev.chat.protocol.FrameType}) and their codec ({@link dev.chat.protocol.ClientFrames}: the
 * node's routing peek, api's full reading with the field rules of {@link
 * dev.chat.protocol.FrameFields}, and writing for Java clients); the event types the server sends
 * ({@link dev.chat.protocol.EventType}) and its own frames ({@link dev.chat.protocol.ServerFrame},
 * written by {@link dev.chat.protocol.ServerFrames}); the one error catalogue ({@link
 * dev.chat.protocol.ErrorCode}) and the close codes ({@link dev.chat.protocol.CloseCode}). Every
 * side dispatches on these with exhaustive {@code switch}es without {@code default}, so a new
 * frame or event type does not compile until every side handles it.
 */
package dev.chat.protocol;
