package dev.chat.protocol;

/**
 * Everything a server writes to a client's socket: its own frames ({@link ServerFrame}: welcome,
 * pong, ack, error) and the events ({@link ServerEvent}). Java clients read a text frame into one
 * of these with {@link ServerEvents#decode} and switch over them without {@code default}.
 */
public sealed interface ToClient permits ServerFrame, ServerEvent {
}
