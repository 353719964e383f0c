package io.weightcast.agent.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SSE subscriber set on a real HTTP server: frames, heartbeats, and cleanup on disconnect. */
class LocalEventsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final LocalEvents events = new LocalEvents(vertx, 50);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private <T> T on(Supplier<T> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> p.complete(work.get()));
    return p.future().await();
  }

  private int listen() {
    Promise<HttpServer> p = Promise.promise();
    context.runOnContext(v -> vertx.createHttpServer()
        .requestHandler(req -> events.subscribe(req.response(),
            List.of(ModelStatus.pending("m"))))
        .listen(0, "127.0.0.1").onComplete(p));
    return p.future().await().actualPort();
  }

  @Test
  void sendsSnapshotEventsAndHeartbeatsThenCancelsTheTimerWhenTheClientLeaves()
      throws Exception {
    int port = listen();
    List<Long> timers;
    try (RawHttp sse = RawHttp.open("127.0.0.1", port, "/")) {
      assertEquals(200, sse.status());
      boolean state = false;
      int heartbeats = 0;
      for (String line = sse.readLine(); line != null && heartbeats < 2; line = sse.readLine()) {
        state |= line.equals("event: state");
        heartbeats += line.equals(": keep-alive") ? 1 : 0;
      }
      assertTrue(state, "no snapshot event");
      assertEquals(2, heartbeats);
      timers = on(events::heartbeatTimers);
      assertEquals(1, timers.size());
      on(() -> {
        events.publish("activated", new ModelStatus("m", "v1", "/d/models/m/v1", "", 1, "v1",
            "ACTIVE", "", null));
        return null;
      });
      String line;
      do {
        line = sse.readLine();
      } while (line != null && !line.equals("event: activated"));
      assertEquals("event: activated", line);
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (on(events::subscribers) != 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, on(events::subscribers));
    assertFalse(on(() -> vertx.cancelTimer(timers.get(0))),
        "the heartbeat timer outlived its client");
  }
}
