/**
 * HTTP plumbing every service shares: JSON bodies in ({@link dev.chat.api.http.Json}, {@link
 * dev.chat.api.http.JsonBody}) and the shapes out ({@link dev.chat.api.http.Views}), failures
 * rendered in one place ({@link dev.chat.api.http.Problems} from {@link
 * dev.chat.api.http.ChatException}), the caller's address, rate limits, the route table checked
 * against the OpenAPI document, api's meters.
 */
package dev.chat.api.http;
