/**
 * ws-node: the stateless WebSocket edge. Authenticates upgrades with access tokens, binds each
 * connected user's routing key to this node's queue, pushes events to local sessions through
 * bounded per-session queues. It has no database connection by design.
 */
package dev.chat.ws;
