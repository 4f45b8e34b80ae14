/**
 * The hand-off of client frames from a ws-node to api: one kept-alive HTTP call per frame on api's
 * internal listener (never exposed through nginx), whose response body is the frame's answer
 * ({@code ack} or {@code error}) that the node writes to the socket as it is. No broker message
 * is spent on a command or its reply: the one broker message of a chat message is its event.
 */
package dev.chat.handoff;
