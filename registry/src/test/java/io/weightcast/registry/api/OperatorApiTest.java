package io.weightcast.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The operators' REST API and SSE stream against a real registry and distributor. */
@ExtendWith(VertxExtension.class)
class OperatorApiTest {
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private RegistryConnection registry;
  private HttpClient http;
  private Vertx vertx;

  record Reply(int status, JsonObject body) {}

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(128));
    for (int i = 1; i <= 3; i++) {
      Path model = dir.resolve("model-" + i);
      ModelFixture.write(model, 100 * 1024 + i, i);
      Manifest m = ModelFixture.manifestOf(model, "m", "v" + i, 32 * 1024);
      plane.upload(m, model).await();
      onContext(() -> registry.publish(m)).await();
    }
  }

  @AfterEach
  void stop() {
    registry.close();
    http.close().await();
  }

  @Test
  void rolloutDetailGroupsNodesByZoneAndRackWithStragglersAndErrorsFirst() {
    report("n1", "z1", "r1", State.ACTIVE, 100, 100, "");
    report("n2", "z1", "r2", State.FETCHING, 10, 100, "");
    report("n3", "z2", "r3", State.FAILED, 50, 100, "disk full");
    JsonObject r = call(HttpMethod.GET, "/v1/rollouts/m/v3", null, null).body();
    assertEquals("rolling", r.getString("state"));
    assertEquals(2, r.getJsonArray("zones").size());
    JsonObject z1 = r.getJsonArray("zones").getJsonObject(0);
    assertEquals("z1", z1.getString("zone"));
    assertEquals(List.of("r1", "r2"), z1.getJsonArray("racks").stream()
        .map(o -> ((JsonObject) o).getString("rack")).toList());
    assertEquals("n2", r.getJsonArray("stragglers").getJsonObject(0).getString("node"));
    assertEquals("disk full", r.getJsonArray("errors").getJsonObject(0).getString("lastError"));
    assertEquals(160, r.getJsonObject("totals").getLong("bytesDone"));
    assertEquals(404, call(HttpMethod.GET, "/v1/rollouts/m/nope", null, null).status());
  }

  @Test
  void listsEveryRolloutAndEveryNodeWithTheVersionsItHolds() {
    report("n1", "z1", "r1", State.ACTIVE, 100, 100, "");
    JsonArray rollouts = call(HttpMethod.GET, "/v1/rollouts", null, null).body()
        .getJsonArray("rollouts");
    assertEquals(3, rollouts.size());
    JsonObject v3 = rollouts.getJsonObject(2);
    assertEquals("complete", v3.getString("state"));
    assertTrue(v3.getBoolean("target"));
    JsonObject nodes = call(HttpMethod.GET, "/v1/nodes", null, null).body();
    JsonObject n1 = nodes.getJsonArray("nodes").getJsonObject(0);
    assertEquals("n1", n1.getString("node"));
    assertEquals(5_000_000L, n1.getLong("freeBytes"));
    assertEquals("v3", n1.getJsonArray("versions").getJsonObject(0).getString("version"));
  }

  @Test
  void controlActionsChangeThePolicyAreAuditedAndRefuseImpossibleOnes() {
    assertEquals("v3", policy().getString("target"));
    assertEquals(404, call(HttpMethod.GET, "/v1/models/nope/policy", null, null).status());
    Reply pin = call(HttpMethod.POST, "/v1/models/m/pin", new JsonObject().put("version", "v1"),
        "alice");
    assertEquals(200, pin.status(), pin.body().encode());
    assertEquals("v1", pin.body().getString("target"));
    assertEquals(404, call(HttpMethod.POST, "/v1/models/m/pin",
        new JsonObject().put("version", "v9"), null).status());
    assertEquals(404, call(HttpMethod.POST, "/v1/models/nope/rollback", null, null).status());
    assertEquals(400, call(HttpMethod.POST, "/v1/models/m/pin", new JsonObject(), null).status());
    assertEquals(400, call(HttpMethod.POST, "/v1/models/m/pin",
        new JsonObject().put("version", "current"), null).status());
    assertEquals(409, call(HttpMethod.POST, "/v1/models/m/rollback", null, null).status());
    assertEquals(200, call(HttpMethod.POST, "/v1/models/m/unpin", null, "bob").status());
    assertEquals(409, call(HttpMethod.POST, "/v1/models/m/unpin", null, null).status());
    Reply back = call(HttpMethod.POST, "/v1/models/m/rollback", null, "carol");
    assertEquals("v2", back.body().getString("target"));
    assertEquals(List.of("v3"), back.body().getJsonArray("withdrawn").getList());
    assertEquals(200, call(HttpMethod.POST, "/v1/rollouts/m/v2/pause", null, null).status());
    assertEquals(409, call(HttpMethod.POST, "/v1/rollouts/m/v2/pause", null, null).status());
    assertEquals("paused", call(HttpMethod.GET, "/v1/rollouts/m/v2", null, null).body()
        .getString("state"));
    assertEquals(200, call(HttpMethod.POST, "/v1/rollouts/m/v2/resume", null, null).status());
    assertEquals(404, call(HttpMethod.POST, "/v1/rollouts/m/v7/pause", null, null).status());
    JsonArray actions = call(HttpMethod.GET, "/v1/control/actions", null, null).body()
        .getJsonArray("actions");
    assertEquals(List.of("pin", "unpin", "rollback", "pause", "resume"), actions.stream()
        .map(o -> ((JsonObject) o).getString("action")).toList());
    assertEquals(List.of("alice", "bob", "carol", "anonymous", "anonymous"), actions.stream()
        .map(o -> ((JsonObject) o).getString("who")).toList());
    assertEquals("v3", actions.getJsonObject(2).getString("version"));
  }

  @Test
  void controlStateSurvivesARegistryRestart() {
    call(HttpMethod.POST, "/v1/models/m/rollback", null, "alice");
    plane.stopRegistry().await();
    plane.startRegistry(plane.registryPort()).await();
    JsonObject p = policy();
    assertEquals("v2", p.getString("target"));
    assertEquals(List.of("v3"), p.getJsonArray("withdrawn").getList());
    assertEquals(1, call(HttpMethod.GET, "/v1/control/actions", null, null).body()
        .getJsonArray("actions").size());
  }

  @Test
  void watchersGetThePolicyAfterTheReplayAndOnEveryChange() {
    List<ModelPolicy> policies = new CopyOnWriteArrayList<>();
    List<Long> versions = new CopyOnWriteArrayList<>();
    RegistryConnection.Watch w = onContext(() -> registry.watch(0, List.of("m"),
        v -> versions.add(v.sequence()), null, policies::add)).await();
    awaitTrue(() -> policies.size() == 1, "initial policy");
    assertEquals(3, versions.size());
    assertEquals("v3", policies.get(0).target().orElseThrow());
    call(HttpMethod.POST, "/v1/models/m/pin", new JsonObject().put("version", "v2"), null);
    awaitTrue(() -> policies.size() == 2, "policy after pin");
    assertEquals("v2", policies.get(1).pinned().orElseThrow());
    w.cancel().run();
  }

  @Test
  void eventStreamCarriesProgressControlAndPolicyEvents() {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpClientRequest req = onContext(() -> http.request(HttpMethod.GET, plane.registryPort(),
        "127.0.0.1", "/v1/events").compose(r -> r.send().map(resp -> {
          assertEquals("text/event-stream", resp.getHeader("content-type"));
          resp.handler(b -> received.add(b.toString()));
          resp.exceptionHandler(e -> { });
          return r;
        }))).await();
    awaitTrue(() -> core().events().subscriberCount() == 1, "subscribed");
    report("n1", "z1", "r1", State.FETCHING, 10, 100, "");
    call(HttpMethod.POST, "/v1/models/m/pin", new JsonObject().put("version", "v1"), "dave");
    awaitTrue(() -> String.join("", received).contains("event: policy"), "policy event");
    String all = String.join("", received);
    assertTrue(all.contains("event: progress\ndata: {\"node\":\"n1\""), all);
    assertTrue(all.contains("event: control\ndata: {\"action\":\"pin\""), all);
    req.connection().close();
    awaitTrue(() -> core().events().subscriberCount() == 0, "unsubscribed");
  }

  @Test
  void hundredEventStreamClientsThatDisconnectLeaveNoSubscriberOrTimer() {
    List<HttpClientRequest> open = new ArrayList<>();
    List<Future<HttpClientRequest>> starting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      starting.add(onContext(() -> http.request(HttpMethod.GET, plane.registryPort(),
          "127.0.0.1", "/v1/events").compose(r -> r.send().map(resp -> {
            resp.exceptionHandler(e -> { });
            return r;
          }))));
    }
    starting.forEach(f -> open.add(f.await()));
    awaitTrue(() -> core().events().subscriberCount() == 100, "100 subscribers");
    assertEquals(100, core().events().openTimers());
    open.forEach(r -> r.connection().close());
    awaitTrue(() -> core().events().subscriberCount() == 0, "0 subscribers");
    assertEquals(0, core().events().openTimers());
  }

  @Test
  void servesTheDashboardAtTheRoot() {
    String page = onContext(() -> http.request(HttpMethod.GET, plane.registryPort(), "127.0.0.1",
        "/").compose(r -> r.send()).compose(resp -> {
          assertEquals(200, resp.statusCode());
          return resp.body();
        })).await().toString();
    assertTrue(page.contains("EventSource"), "the page listens to the event stream");
    assertFalse(page.contains("http://") && page.contains("cdn"), "no CDN");
  }

  private io.weightcast.registry.RegistryCore core() {
    return plane.registry().core();
  }

  private JsonObject policy() {
    return call(HttpMethod.GET, "/v1/models/m/policy", null, null).body();
  }

  private void report(String node, String zone, String rack, State state, long done, long total,
      String error) {
    onContext(() -> registry.reportProgress(new NodeProgress(node, zone, rack, "m", "v3", state,
        done, total, done, total, 0, error, "", state == State.ACTIVE, System.currentTimeMillis()),
        5_000_000L))
        .await();
  }

  private Reply call(HttpMethod method, String path, JsonObject body, String actor) {
    return onContext(() -> http.request(method, plane.registryPort(), "127.0.0.1", path)
        .compose(req -> {
          if (actor != null) {
            req.putHeader("X-Weightcast-Actor", actor);
          }
          return body == null ? req.send() : req.send(Buffer.buffer(body.encode()));
        })
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toJsonObject()))))
        .await();
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
    return ControlPlaneFixture.onContext(vertx, work);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier c, String what) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!c.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
