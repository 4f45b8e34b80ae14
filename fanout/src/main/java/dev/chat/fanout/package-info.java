/**
 * The RabbitMQ layer shared by api and ws-node: {@link dev.chat.fanout.Topology} (the topology in
 * one place), {@link dev.chat.fanout.Envelope} and its codec, the confirmed
 * {@link dev.chat.fanout.EventPublisher} and the per-node {@link dev.chat.fanout.NodeSubscriber}.
 */
package dev.chat.fanout;
