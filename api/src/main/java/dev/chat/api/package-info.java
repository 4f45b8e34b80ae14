/**
 * api: the REST API and the only writer of PostgreSQL. Handlers are one {@code HttpService} per
 * resource; storage is one store class per aggregate; events leave through the {@link
 * dev.chat.api.Outbox}; failures are rendered in one place, {@link dev.chat.api.Problems}.
 */
package dev.chat.api;
