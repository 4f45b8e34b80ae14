/** The chat database schema: Flyway migrations and the code that applies them. */
package dev.chat.schema;
