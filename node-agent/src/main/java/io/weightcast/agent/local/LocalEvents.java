package io.weightcast.agent.local;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SSE subscribers of {@code GET /v1/local/events}. Each gets the current state of every model
 * ("state" events), then live "activated" and "failed" events, and a comment every
 * {@code heartbeatMs} so proxies keep the stream open. A subscriber is dropped, its timer
 * cancelled, when its connection closes or its write queue is full (a stalled reader must not
 * grow the heap). Confined to the agent verticle's context.
 */
public final class LocalEvents {
  private final Vertx vertx;
  private final long heartbeatMs;
  private final Map<HttpServerResponse, Long> subscribers = new LinkedHashMap<>();

  public LocalEvents(Vertx vertx, long heartbeatMs) {
    this.vertx = vertx;
    this.heartbeatMs = heartbeatMs;
  }

  public void subscribe(HttpServerResponse resp, Collection<ModelStatus> snapshot) {
    resp.setChunked(true).putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    long timer = vertx.setPeriodic(heartbeatMs, t -> write(resp, ": keep-alive\n\n"));
    subscribers.put(resp, timer);
    resp.closeHandler(v -> drop(resp));
    resp.exceptionHandler(e -> drop(resp));
    write(resp, ": weightcast local events\n\n");
    snapshot.forEach(s -> write(resp, frame("state", s)));
  }

  public void publish(String event, ModelStatus status) {
    String frame = frame(event, status);
    List.copyOf(subscribers.keySet()).forEach(r -> write(r, frame));
  }

  /** Live subscribers (each holds exactly one heartbeat timer). */
  public int subscribers() {
    return subscribers.size();
  }

  /** The heartbeat timers of live subscribers (tests check none outlives its client). */
  List<Long> heartbeatTimers() {
    return List.copyOf(subscribers.values());
  }

  public void closeAll() {
    List.copyOf(subscribers.keySet()).forEach(r -> {
      drop(r);
      r.end();
    });
  }

  private void write(HttpServerResponse resp, String frame) {
    if (!subscribers.containsKey(resp)) {
      return;
    }
    if (resp.writeQueueFull()) {
      drop(resp);
      resp.reset();
      return;
    }
    resp.write(frame).onFailure(e -> drop(resp));
  }

  private void drop(HttpServerResponse resp) {
    Long timer = subscribers.remove(resp);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  static String frame(String event, ModelStatus s) {
    return "event: " + event + "\ndata: " + s.toJson().encode() + "\n\n";
  }
}
