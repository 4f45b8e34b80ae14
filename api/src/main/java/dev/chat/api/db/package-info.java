/**
 * PostgreSQL helpers: transactions that always end and column readers ({@link
 * dev.chat.api.db.Db}), and group commit, work arriving together written in one transaction
 * ({@link dev.chat.api.db.GroupCommit}).
 */
package dev.chat.api.db;
