package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.local.RawHttp;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Operators' pin, rollback and pause reach a real agent through the registry's watch stream. */
@ExtendWith(VertxExtension.class)
class AgentControlTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private Path agentData;
  private HttpClient http;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    agentData = dir.resolve("agent");
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    http.close().await();
  }

  @Test
  void pinToAnOlderVersionHoldsCurrentWhileANewerOneRollsThenUnpinMovesOn() {
    AgentVerticle agent = deploy();
    publish("v1", 1);
    awaitCurrent(agentData, "m", "v1", 20_000);
    publish("v2", 2);
    awaitCurrent(agentData, "m", "v2", 20_000);
    assertEquals(200, post("/v1/models/m/pin", new JsonObject().put("version", "v1")));
    awaitCurrent(agentData, "m", "v1", 20_000);
    publish("v3", 3);
    Path v3 = agentData.resolve("models").resolve("m").resolve("v3");
    AgentFixture.await(() -> Files.isDirectory(v3), 20_000, "v3 held");
    AgentFixture.sleep(300);
    assertEquals("v1", AgentFixture.current(agentData, "m").orElseThrow());
    assertEquals(200, post("/v1/models/m/unpin", null));
    awaitCurrent(agentData, "m", "v3", 20_000);
    assertTrue(agent.actualPort() > 0);
  }

  @Test
  void rollbackReturnsEveryAgentToItsPreviousCurrentAndTheRegistrySeesIt() throws Exception {
    AgentVerticle agent = deploy();
    CommittedVersion v1 = publish("v1", 1);
    awaitCurrent(agentData, "m", "v1", 20_000);
    publish("v2", 2);
    awaitCurrent(agentData, "m", "v2", 20_000);
    assertEquals(200, post("/v1/models/m/rollback", null));
    awaitCurrent(agentData, "m", "v1", 20_000);
    // The host's loader sees the rolled-back-to version with its own manifest digest.
    AgentFixture.await(() -> "v1".equals(localModel(agent).getString("version")), 10_000,
        "local API shows v1");
    assertEquals(v1.manifestDigest().hex(), localModel(agent).getString("manifestDigest"));
    AgentFixture.await(() -> nodeCurrent("v1") && !nodeCurrent("v2"), 10_000,
        "registry sees v1 current, v2 not");
    assertEquals(409, post("/v1/models/m/rollback", null));
    AgentFixture.await(() -> {
      Long free = get("/v1/nodes").getJsonArray("nodes").getJsonObject(0).getLong("freeBytes");
      return free != null && free > 0;
    }, 10_000, "free disk reported");
    assertTrue(Files.isDirectory(agentData.resolve("models").resolve("m").resolve("v2")),
        "the withdrawn version stays held");
  }

  @Test
  void pausedRolloutStartsNoNewFetchUntilResumedThenCompletes() {
    publish("v1", 1);
    publishLarge("v2");
    assertEquals(200, post("/v1/rollouts/m/v2/pause", null));
    deploy();
    awaitCurrent(agentData, "m", "v1", 20_000);
    AgentFixture.await(() -> "paused".equals(nodeState("v2")), 20_000, "v2 reported paused");
    long done = nodeChunks("v2");
    AgentFixture.sleep(1_500);
    assertEquals(done, nodeChunks("v2"), "no chunk fetched while paused");
    assertEquals("v1", AgentFixture.current(agentData, "m").orElseThrow());
    assertEquals(200, post("/v1/rollouts/m/v2/resume", null));
    awaitCurrent(agentData, "m", "v2", 30_000);
    AgentFixture.await(() -> "active".equals(nodeState("v2")), 10_000, "v2 reported active");
  }

  @Test
  void aFreshAgentReplayingHistoryFetchesOnlyTheTargetNotSupersededOrWithdrawnVersions() {
    publish("v1", 1);
    publish("v2", 2);
    publish("v3", 3);
    assertEquals(200, post("/v1/models/m/rollback", null));
    deploy();
    awaitCurrent(agentData, "m", "v2", 20_000);
    AgentFixture.await(() -> "active".equals(nodeState("v2")), 10_000, "v2 reported active");
    AgentFixture.sleep(io.weightcast.agent.rollout.RolloutQueue.HOLD_MS + 500);
    Path models = agentData.resolve("models").resolve("m");
    assertTrue(Files.notExists(models.resolve("v1")), "v1 is superseded by v2: never fetched");
    assertTrue(Files.notExists(models.resolve("v3")), "v3 is withdrawn: never fetched");
    assertEquals(null, nodeState("v1"), "no progress reported for a skipped version");
    assertEquals(null, nodeState("v3"), "no progress reported for a skipped version");

    // A live announcement still runs and, being the new target, becomes current.
    publish("v4", 4);
    awaitCurrent(agentData, "m", "v4", 20_000);
  }

  private AgentVerticle deploy() {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")
        .withFetch(2, 5_000, 3));
    vertx.deployVerticle(agent).await();
    return agent;
  }

  private CommittedVersion publish(String version, long seed) {
    return AgentFixture.publish(vertx, plane, dir.resolve("src-" + version), "m", version,
        2 * MIB + seed, seed, MIB);
  }

  /** Many small chunks, so a pause lands while most are still to fetch. */
  private void publishLarge(String version) {
    AgentFixture.publish(vertx, plane, dir.resolve("src-" + version), "m", version, 24 * MIB,
        7, 64 * 1024);
  }

  /** The agent's local API entry for model m. */
  private static JsonObject localModel(AgentVerticle agent) {
    try {
      RawHttp.Response r = RawHttp.get("127.0.0.1", agent.actualPort(), "/v1/local/models/m");
      return new JsonObject(LocalApiTest.body(r));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private JsonObject node(String version) {
    JsonObject r = get("/v1/rollouts/m/" + version);
    return r.getJsonArray("nodes").isEmpty() ? null : r.getJsonArray("nodes").getJsonObject(0);
  }

  private boolean nodeCurrent(String version) {
    JsonObject n = node(version);
    return n != null && n.getBoolean("current");
  }

  private String nodeState(String version) {
    JsonObject n = node(version);
    return n == null ? null : n.getString("state");
  }

  private long nodeChunks(String version) {
    return node(version).getLong("chunksDone");
  }

  private JsonObject get(String path) {
    return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET,
        plane.registryPort(), "127.0.0.1", path).compose(r -> r.send())
        .compose(resp -> resp.body())).await().toJsonObject();
  }

  private int post(String path, JsonObject body) {
    return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.POST,
        plane.registryPort(), "127.0.0.1", path)
        .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body.encode())))
        .map(resp -> resp.statusCode())).await();
  }

  static {
    // Referenced so a rename of the state enum breaks this test at compile time.
    assert NodeProgress.State.PAUSED != null;
  }
}
