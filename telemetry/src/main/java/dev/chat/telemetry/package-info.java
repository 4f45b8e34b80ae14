/**
 * Telemetry shared by api and ws-node: JSON log lines with the request id
 * ({@link dev.chat.telemetry.Logs}, {@link dev.chat.telemetry.RequestId}) and a Prometheus meter
 * registry with JVM meters ({@link dev.chat.telemetry.Meters}).
 */
package dev.chat.telemetry;
