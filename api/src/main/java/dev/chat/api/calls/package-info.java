/**
 * 1:1 calls (issue 20): the STUN/TURN servers and TURN credentials handed to browsers ({@link
 * dev.chat.api.calls.IceServers}, route table {@link dev.chat.api.calls.CallService}), and the
 * signalling over the socket ({@link dev.chat.api.calls.Calls}, SQL in {@link
 * dev.chat.api.calls.CallStore}): the call's state lives in PostgreSQL ({@code calls}, V14), so any
 * api instance can take any frame of it; ws-nodes only route. Media never passes through api, the
 * ws-nodes or the broker: it flows between the browsers, directly or through coturn.
 */
package dev.chat.api.calls;
