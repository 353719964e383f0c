package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.local.RawHttp;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent's local API against a real agent, registry and distributor on loopback. */
@ExtendWith(VertxExtension.class)
class LocalApiTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private Path agentData;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    agentData = dir.resolve("agent");
  }

  private AgentVerticle deploy(Vertx vertx, HandoverConfig handover) {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")
        .withHandover(handover));
    vertx.deployVerticle(agent).await();
    return agent;
  }

  @Test
  void listsTheActiveVersionWithItsPathDigestAndWarmUp(Vertx vertx) throws Exception {
    AgentVerticle agent = deploy(vertx, HandoverConfig.DEFAULTS);
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "llama-mini",
        "v1", 3 * MIB + 7, 1, MIB);
    awaitCurrent(agentData, "llama-mini", "v1", 20_000);
    AgentFixture.await(() -> activeIn(agent, "llama-mini"), 5_000, "local API shows v1");
    RawHttp.Response all = RawHttp.get("127.0.0.1", agent.actualPort(), "/v1/local/models");
    assertEquals(200, all.status());
    JsonObject m = new JsonObject(body(all)).getJsonArray("models").getJsonObject(0);
    assertEquals("llama-mini", m.getString("model"));
    assertEquals("v1", m.getString("version"));
    assertEquals(agentData.toAbsolutePath().normalize().resolve("models/llama-mini/v1")
        .toString(), m.getString("path"));
    assertEquals(v1.manifestDigest().hex(), m.getString("manifestDigest"));
    assertNotNull(m.getString("activatedAt"));
    assertEquals("ACTIVE", m.getString("latestState"));
    assertEquals(v1.manifest().totalBytes(), m.getJsonObject("warm").getLong("warmedBytes"));
    assertEquals("", m.getJsonObject("warm").getString("note"));
    Path statusFile = agentData.resolve("state/local/llama-mini.json");
    assertEquals("v1", new JsonObject(Files.readString(statusFile)).getString("version"));
  }

  @Test
  void modelsUnknownToTheRegistryOrNotServedHereAre404(Vertx vertx) throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")
        .withModels(List.of("served")));
    vertx.deployVerticle(agent).await();
    RawHttp.Response unknown = RawHttp.get("127.0.0.1", agent.actualPort(),
        "/v1/local/models/served");
    assertEquals(404, unknown.status());
    assertEquals("unknown_model", new JsonObject(body(unknown)).getString("code"));
    RawHttp.Response other = RawHttp.get("127.0.0.1", agent.actualPort(),
        "/v1/local/models/other");
    assertEquals(404, other.status());
    assertEquals("model_not_served", new JsonObject(body(other)).getString("code"));
    AgentFixture.publish(vertx, plane, dir.resolve("src"), "served", "v1", 1 * MIB, 2, MIB);
    AgentFixture.await(() -> activeIn(agent, "served"), 20_000, "served v1 active");
  }

  @Test
  void refusesModelNamesThatWouldLeaveTheDataDirectory(Vertx vertx) throws Exception {
    AgentVerticle agent = deploy(vertx, HandoverConfig.DEFAULTS);
    Files.writeString(dir.resolve("secret.txt"), "top-secret");
    for (String path : List.of("/v1/local/models/..", "/v1/local/models/%2e%2e",
        "/v1/local/models/..%2F..%2Fsecret.txt", "/v1/local/models/..%2f..%2f..%2fetc%2fpasswd",
        "/v1/local/models/../../secret.txt", "/v1/local/models/%2E%2E%5Csecret.txt",
        "/v1/local/models/a%00b")) {
      RawHttp.Response r = RawHttp.get("127.0.0.1", agent.actualPort(), path);
      assertTrue(r.status() == 400 || r.status() == 404, path + " answered " + r.status());
      assertFalse(r.body().contains("top-secret") || r.body().contains("root:"), path);
    }
  }

  @Test
  void eventsStreamActivationsAndForgetAClientThatDisconnects(Vertx vertx) throws Exception {
    AgentVerticle agent = deploy(vertx, HandoverConfig.DEFAULTS);
    try (RawHttp sse = RawHttp.open("127.0.0.1", agent.actualPort(), "/v1/local/events")) {
      assertEquals(200, sse.status());
      AgentFixture.await(() -> subscribers(vertx, agent) == 1, 5_000, "one subscriber");
      AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1", 1 * MIB, 4, MIB);
      String data = null;
      for (String line = sse.readLine(); line != null; line = sse.readLine()) {
        if (line.equals("event: activated")) {
          data = sse.readLine();
          break;
        }
      }
      assertNotNull(data, "stream ended without an activated event");
      JsonObject event = new JsonObject(data.substring("data: ".length()));
      assertEquals("m", event.getString("model"));
      assertEquals("v1", event.getString("version"));
    }
    AgentFixture.await(() -> subscribers(vertx, agent) == 0, 10_000,
        "subscriber (and its heartbeat timer) dropped after disconnect");
  }

  @Test
  void aLockBudgetSmallerThanTheModelLocksWhatFitsAndStillActivates(Vertx vertx)
      throws Exception {
    AgentVerticle agent = deploy(vertx, new HandoverConfig(true, MIB, false));
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "big", "v1",
        4 * MIB, 5, MIB);
    awaitCurrent(agentData, "big", "v1", 20_000);
    AgentFixture.await(() -> activeIn(agent, "big"), 5_000, "local API shows big v1");
    JsonObject warm = new JsonObject(body(RawHttp.get("127.0.0.1", agent.actualPort(),
        "/v1/local/models/big"))).getJsonObject("warm");
    assertEquals(v1.manifest().totalBytes(), warm.getLong("warmedBytes"));
    assertTrue(warm.getLong("lockedBytes") <= MIB, warm.encode());
    assertEquals(MIB, warm.getLong("lockBudgetBytes"));
    assertTrue(warm.getString("note").startsWith("locked "), warm.encode());
  }

  private static boolean activeIn(AgentVerticle agent, String model) {
    try {
      RawHttp.Response r = RawHttp.get("127.0.0.1", agent.actualPort(),
          "/v1/local/models/" + model);
      return r.status() == 200 && new JsonObject(body(r)).getString("version") != null;
    } catch (Exception e) {
      return false;
    }
  }

  /** Read off the agent's context: a racy but harmless snapshot of one int, polled. */
  private static int subscribers(Vertx vertx, AgentVerticle agent) {
    return agent.localSubscribers();
  }

  /** The JSON body of a (chunked or not) HTTP/1.1 response read line by line. */
  static String body(RawHttp.Response r) {
    return r.body().lines().filter(l -> l.startsWith("{")).findFirst().orElse("{}");
  }
}
