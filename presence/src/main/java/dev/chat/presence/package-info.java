/** Heartbeat presence in Memcached, shared by ws-node (writes) and api (reads, crash sweeping). */
package dev.chat.presence;
