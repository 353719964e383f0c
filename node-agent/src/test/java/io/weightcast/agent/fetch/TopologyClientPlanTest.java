package io.weightcast.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.agent.fetch.TopologyClient.Plan;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.wire.TopologyHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plans are batched per origin: one sources request for the chunks asked in one turn or while a
 * request is outstanding, answers routed to each asker. A real HTTP server on loopback plays the
 * distributor's sources route: chunk digests starting with "0" have no source yet (wait), the
 * rest come from "http://peer"; it fails while {@code failing} is set.
 */
class TopologyClientPlanTest {
  private Vertx vertx;
  /** The one context the client is confined to. */
  private Context context;
  private HttpServer server;
  private TopologyClient client;
  private String origin;
  private final List<List<String>> requests = new CopyOnWriteArrayList<>();
  /** When set, the next sources request is answered only once this promise completes. */
  private volatile Promise<Void> hold;
  private volatile boolean failing;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (!req.path().equals(TopologyHttp.SOURCES_PATH)) {
        req.response().setStatusCode(204).end();
        return;
      }
      List<String> chunks = new ArrayList<>();
      new JsonObject(b).getJsonArray("chunks").forEach(h -> chunks.add((String) h));
      requests.add(chunks);
      Promise<Void> gate = hold;
      hold = null;
      (gate == null ? Future.<Void>succeededFuture() : gate.future()).onComplete(v -> {
        if (failing) {
          req.response().setStatusCode(503).putHeader("content-type", "application/json")
              .end(new JsonObject().put("code", "unavailable").put("message", "busy").encode());
          return;
        }
        JsonObject sources = new JsonObject();
        chunks.stream().filter(h -> !h.startsWith("0"))
            .forEach(h -> sources.put(h, new JsonArray().add("http://peer")));
        req.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("sources", sources).encode());
      });
    }));
    server.listen(0, "127.0.0.1").await();
    origin = "http://127.0.0.1:" + server.actualPort();
    client = onContext(() -> Future.succeededFuture(new TopologyClient(vertx,
        new NodeLocation("n1", "z1", "r1", "http://127.0.0.1:1"),
        () -> Future.succeededFuture(List.<String>of()), 10_000)));
  }

  @AfterEach
  void stop() {
    onContext(() -> client.close());
    vertx.close().await();
  }

  @Test
  void chunksAskedInOneTurnShareOneRequestAndEachGetsItsOwnAnswer() {
    List<Digest> chunks = digests(6);
    List<Plan> plans = onContext(() -> Future.all(List.of(
            client.plan(origin, chunks.get(0)), client.plan(origin, chunks.get(1)),
            client.plan(origin, chunks.get(2)), client.plan(origin, chunks.get(3)),
            client.plan(origin, chunks.get(4)), client.plan(origin, chunks.get(5)),
            client.plan(origin, chunks.get(2))))   // asked twice: sent once, both answered
        .map(cf -> cf.<Plan>list()));
    assertEquals(1, requests.size());
    assertEquals(chunks.stream().map(Digest::hex).toList(), requests.get(0));
    for (int i = 0; i < 7; i++) {
      Digest d = chunks.get(i == 6 ? 2 : i);
      Plan p = plans.get(i);
      boolean waits = d.hex().startsWith("0");
      assertEquals(waits, p.waitForCopy(), d.hex());
      assertEquals(waits ? List.of() : List.of("http://peer"), p.sources(), d.hex());
    }
  }

  @Test
  void chunksAskedWhileARequestIsOutstandingGoOutTogetherInTheNext() {
    List<Digest> chunks = digests(5);
    Promise<Void> gate = Promise.promise();
    hold = gate;
    List<Future<Plan>> answers = new CopyOnWriteArrayList<>();
    onContext(() -> {
      answers.add(client.plan(origin, chunks.get(0)));
      return Future.succeededFuture();
    });
    waitFor(() -> requests.size() == 1);
    onContext(() -> {
      for (int i = 1; i < 5; i++) {
        answers.add(client.plan(origin, chunks.get(i)));
      }
      return Future.succeededFuture();
    });
    // Nothing more goes out until the first answer is back.
    assertEquals(1, requests.size());
    gate.complete();
    onContext(() -> Future.all(new ArrayList<>(answers)));
    assertEquals(2, requests.size());
    assertEquals(chunks.subList(1, 5).stream().map(Digest::hex).toList(), requests.get(1));
  }

  @Test
  void aFailedRequestFailsItsChunksAndTheNextPlanIsAskedAgain() {
    List<Digest> chunks = digests(2);
    failing = true;
    CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> onContext(() -> client.plan(origin, chunks.get(0))));
    assertInstanceOf(Unavailable.class, failed.getCause());
    failing = false;
    Plan next = onContext(() -> client.plan(origin, chunks.get(1)));
    assertEquals(2, requests.size());
    assertEquals(List.of(chunks.get(1).hex()), requests.get(1));
    boolean waits = chunks.get(1).hex().startsWith("0");
    assertEquals(waits, next.waitForCopy());
    assertEquals(waits ? List.of() : List.of("http://peer"), next.sources());
  }

  /** Digests of 0..n-1 as 4-byte arrays; sorted as created. */
  private static List<Digest> digests(int n) {
    List<Digest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Digest.sha256(new byte[] {(byte) i, 1, 2, 3}));
    }
    return out;
  }

  private void waitFor(Supplier<Boolean> condition) {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.get() && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    assertTrue(condition.get(), "condition not met within 10 s");
  }

  private <T> T onContext(Supplier<Future<T>> call) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(p));
    try {
      return p.future().await();
    } catch (RuntimeException e) {
      throw e instanceof CompletionException ? e : new CompletionException(e);
    }
  }
}
