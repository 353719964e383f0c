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
import io.weightcast.agent.fetch.TopologyClient.Picked;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.wire.TopologyHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pick sends the candidates and {@code want} in one sources request and keeps at most
 * {@code want} answers, with their crossing marks. A real HTTP server on loopback plays the
 * distributor's pick: chunk digests starting with "0" have no source yet (wait), the first
 * {@code want} others come from "http://peer", those starting with "1"-"7" marked crossing; it
 * fails while {@code failing} is set.
 */
class TopologyClientPickTest {
  private Vertx vertx;
  /** The one context the client is confined to. */
  private Context context;
  private HttpServer server;
  private TopologyClient client;
  private String origin;
  private final List<List<String>> requests = new CopyOnWriteArrayList<>();
  private final List<Integer> wants = new CopyOnWriteArrayList<>();
  private volatile boolean failing;
  private final List<JsonObject> announced = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (!req.path().equals(TopologyHttp.SOURCES_PATH)) {
        if (req.path().equals(TopologyHttp.ANNOUNCE_PATH)) {
          announced.add(new JsonObject(b));
        }
        req.response().setStatusCode(204).end();
        return;
      }
      List<String> chunks = new ArrayList<>();
      new JsonObject(b).getJsonArray("chunks").forEach(h -> chunks.add((String) h));
      requests.add(chunks);
      int want = new JsonObject(b).getInteger("want");
      wants.add(want);
      if (failing) {
        req.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("code", "unavailable").put("message", "busy").encode());
        return;
      }
      JsonObject sources = new JsonObject();
      JsonArray crossing = new JsonArray();
      chunks.stream().filter(h -> !h.startsWith("0")).limit(want).forEach(h -> {
        sources.put(h, new JsonArray().add("http://peer"));
        if (h.charAt(0) >= '1' && h.charAt(0) <= '7') {
          crossing.add(h);
        }
      });
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("sources", sources).put("crossing", crossing).encode());
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
  void oneRequestCarriesTheCandidatesAndAtMostWantAreKeptWithTheirCrossingMarks() {
    List<Digest> chunks = digests(12);
    Map<Digest, Picked> picked = onContext(() -> client.pick(origin, chunks, 3));
    assertEquals(1, requests.size());
    assertEquals(chunks.stream().map(Digest::hex).toList(), requests.get(0));
    assertEquals(List.of(3), wants);
    List<Digest> expected = chunks.stream().filter(d -> !d.hex().startsWith("0")).limit(3)
        .toList();
    assertEquals(expected, List.copyOf(picked.keySet()), "the first 3 with a source, in order");
    for (Digest d : expected) {
      assertEquals(List.of("http://peer"), picked.get(d).sources(), d.hex());
      char c = d.hex().charAt(0);
      assertEquals(c >= '1' && c <= '7', picked.get(d).crossing(), d.hex());
    }
  }

  @Test
  void aFailedRequestFailsThePickAndTheNextPickIsAskedAgain() {
    List<Digest> chunks = digests(2);
    failing = true;
    CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(
        CompletionException.class, () -> onContext(() -> client.pick(origin, chunks, 2)));
    assertInstanceOf(Unavailable.class, failed.getCause());
    failing = false;
    Map<Digest, Picked> next = onContext(() -> client.pick(origin, chunks.subList(1, 2), 1));
    assertEquals(2, requests.size());
    assertEquals(List.of(chunks.get(1).hex()), requests.get(1));
    boolean waits = chunks.get(1).hex().startsWith("0");
    assertEquals(waits ? Map.of() : Map.of(chunks.get(1), new Picked(List.of("http://peer"),
        chunks.get(1).hex().charAt(0) >= '1' && chunks.get(1).hex().charAt(0) <= '7')), next);
  }

  /**
   * The chunks picked as crossings are listed in announcements every {@link
   * TopologyClient#RENEW_MS} (renewing their grants) until they are held or fail.
   */
  @Test
  void crossingsInFlightAreRenewedUntilHeldOrFailed() throws InterruptedException {
    TopologyClient announcing = onContext(() -> Future.succeededFuture(new TopologyClient(vertx,
        new NodeLocation("n2", "z1", "r1", "http://127.0.0.1:2"),
        () -> Future.succeededFuture(List.of(origin)), 10_000)));
    try {
      List<Digest> chunks = digests(16);
      Map<Digest, Picked> picked = onContext(() -> announcing.pick(origin, chunks, 16));
      List<String> crossing = picked.entrySet().stream().filter(e -> e.getValue().crossing())
          .map(e -> e.getKey().hex()).toList();
      assertTrue(crossing.size() >= 2, "the fixture marks some crossing: " + picked.keySet());
      Thread.sleep(TopologyClient.RENEW_MS + 500);
      assertEquals(crossing, lastCrossing(), "every crossing in flight is renewed");
      Digest landed = Digest.parse(crossing.get(0));
      Digest failed = Digest.parse(crossing.get(1));
      onContext(() -> {
        announcing.held(landed, "http://peer");
        announcing.reportFailure(origin, "http://peer", failed, "test");
        return Future.succeededFuture();
      });
      int before = announced.size();
      Thread.sleep(TopologyClient.RENEW_MS + 500);
      assertTrue(announced.size() > before, "still renewing the others");
      assertEquals(crossing.subList(2, crossing.size()), lastCrossing(),
          "a crossing held or failed is no longer renewed");
    } finally {
      onContext(announcing::close);
    }
  }

  private List<String> lastCrossing() {
    JsonObject last = announced.get(announced.size() - 1);
    List<String> out = new ArrayList<>();
    last.getJsonArray("crossing", new JsonArray()).forEach(h -> out.add((String) h));
    return out;
  }

  /** Digests of 0..n-1 as 4-byte arrays; sorted as created. */
  private static List<Digest> digests(int n) {
    List<Digest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Digest.sha256(new byte[] {(byte) i, 1, 2, 3}));
    }
    return out;
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
