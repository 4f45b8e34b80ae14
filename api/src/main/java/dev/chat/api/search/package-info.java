/**
 * Search (issue 19): messages by their words ({@link dev.chat.api.search.SearchQuery} reads what the
 * user typed, {@link dev.chat.api.search.SearchStore} asks PostgreSQL's full-text index, {@link
 * dev.chat.api.search.Snippets} cuts the text around the matches), conversations by name, and the
 * route table {@link dev.chat.api.search.SearchService}. The SQL is only in the store; the vector, its
 * index and the query functions are in the schema (V13).
 */
package dev.chat.api.search;
