package io.weightcast.registry.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.registry.events.EventHub;
import io.weightcast.registry.events.RegistryEvent;

/**
 * {@code GET /v1/events}: registry events as Server-Sent Events ({@code event: TYPE}, {@code data:
 * JSON}), with a comment line every {@link #HEARTBEAT_MS} so proxies and clients can tell a quiet
 * stream from a dead one. A client that goes away leaves nothing behind: its hub subscription and
 * its timer are removed when the response closes or fails. An event that finds the client's write
 * queue full is dropped for that client (the dashboard re-fetches REST state on reconnect).
 * Confined to the registry verticle's context.
 */
final class EventStream {
  static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final EventHub hub;

  EventStream(Vertx vertx, EventHub hub) {
    this.vertx = vertx;
    this.hub = hub;
  }

  void handle(RoutingContext ctx) {
    HttpServerResponse resp = ctx.response();
    resp.setChunked(true).putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    resp.write(": weightcast events\n\n");
    Runnable cancel = hub.subscribe(e -> send(resp, e));
    long timer = vertx.setPeriodic(HEARTBEAT_MS, t -> {
      if (!resp.writeQueueFull()) {
        resp.write(": heartbeat\n\n");
      }
    });
    hub.timerOpened();
    boolean[] ended = {false};
    Runnable end = () -> {
      if (!ended[0]) {
        ended[0] = true;
        cancel.run();
        if (vertx.cancelTimer(timer)) {
          hub.timerClosed();
        }
      }
    };
    resp.closeHandler(v -> end.run());
    resp.exceptionHandler(e -> end.run());
    resp.endHandler(v -> end.run());
  }

  private static void send(HttpServerResponse resp, RegistryEvent e) {
    if (resp.closed() || resp.ended() || resp.writeQueueFull()) {
      return;
    }
    resp.write("event: " + e.type() + "\ndata: " + e.data().encode() + "\n\n");
  }
}
