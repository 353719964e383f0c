package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.cluster.ClusteredVertx;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.TopologyHttp;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.cluster.RegistryCluster;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue #8's fault "loss of one registry and one distributor node mid-rollout", on loopback: a
 * real 4-member Hazelcast cluster (registries A and B, distributors D1 and D2, each on its own
 * clustered Vert.x, the distributors sharing the topology) and 6 agents in 2 zones and 3 racks of
 * two (z1/r1, z1/r2, z2/r3) that know both registries. Agents' ingress is capped at
 * {@link #INGRESS} so version 1 (uploaded to both distributors) takes seconds to land: D1 is
 * killed while chunks are in flight from it; then an operator pauses the rollout on A and the
 * leader A is killed; the pause held on B, the resume is made there, and the rollout completes
 * from D2 and the peers. Then
 * version 2 goes through B and D2. Proven: every agent byte-identical on both versions, each saw
 * sequences 1 and 2 exactly once, and in the shared transfer log (read from D2) each chunk
 * crossed into each rack at most once per version holding it.
 */
@Tag("cluster")
class ClusterNodeLossTest extends ClusterTestSupport {
  private static final long MIB = 1024 * 1024;
  /** Per-agent ingress cap: 16 MiB then needs >= 2 s per agent, so D1 dies mid-transfer. */
  private static final long INGRESS = 6 * MIB;
  private static final String[][] PLACES = {
      {"z1", "r1"}, {"z1", "r1"}, {"z1", "r2"}, {"z1", "r2"}, {"z2", "r3"}, {"z2", "r3"}};
  @Test
  void rolloutSurvivesTheLossOfOneRegistryAndOneDistributor() throws Exception {
    String name = "wc-loss-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> members = ClusterTestSupport.members(ClusterTestSupport.freePorts(4));
    ClusteredVertx.Member a = member(name, members, 0);
    RegistryCluster clusterA = new RegistryCluster(a.hazelcast());
    RegistryVerticle registryA = registry(a, clusterA, "registry-a");
    AgentFixture.await(clusterA::leading, 15_000, "registry A to take the lease");
    ClusteredVertx.Member b = member(name, members, 1);
    RegistryCluster clusterB = new RegistryCluster(b.hazelcast());
    RegistryVerticle registryB = registry(b, clusterB, "registry-b");
    String registries = "127.0.0.1:" + registryA.actualPort() + ",127.0.0.1:"
        + registryB.actualPort();
    ClusteredVertx.Member d1 = member(name, members, 2);
    ClusteredVertx.Member d2 = member(name, members, 3);
    ControlPlaneFixture plane1 = new ControlPlaneFixture(d1.vertx(), dir.resolve("d1"))
        .withExternalRegistry(registries);
    ControlPlaneFixture plane2 = new ControlPlaneFixture(d2.vertx(), dir.resolve("d2"))
        .withExternalRegistry(registries);
    plane1.startDistributor().await();
    plane2.startDistributor().await();
    Vertx agents = Vertx.vertx();
    toClose.add(agents);
    assertEquals(2, ClusterTestSupport.distributorsSeenBy(agents,
        "127.0.0.1:" + registryB.actualPort(), 2).size(), "both distributors hold a lease");

    List<Path> data = new ArrayList<>();
    List<List<Long>> seen = new ArrayList<>();
    for (int i = 0; i < PLACES.length; i++) {
      Path d = dir.resolve("agent-" + i);
      data.add(d);
      List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
      seen.add(sequences);
      AgentConfig config = AgentConfig.defaults("gpu-" + i, PLACES[i][0], PLACES[i][1],
          registries, d).withServer("127.0.0.1", 0).withFetch(4, 5_000, 8)
          .withRetryFailedMs(500)
          .withGuards(new GuardConfig(io.weightcast.protocol.signing.TrustedKeys.NONE, 0, INGRESS));
      agents.deployVerticle(new AgentVerticle(config)
          .tapAnnouncements(v -> sequences.add(v.sequence()))).await();
    }

    CommittedVersion v1 = publish(agents, List.of(plane1, plane2), registries, "v1",
        16 * MIB + 99, 4);
    assertEquals(1, v1.sequence());
    int chunks1 = v1.manifest().distinctChunks().size();
    AgentFixture.getJsonUntil(agents, plane2.distributorPort(), TopologyHttp.TRANSFERS_PATH,
        body -> body.getJsonArray("transfers").size() >= 4, 30_000);
    // Mid-transfer: the first chunks have landed, none of the agents can be done (ingress cap).
    int activeAtKill = ClusterTestSupport.countCurrent(data, "m", "v1");
    d1.vertx().close().await();
    toClose.remove(d1.vertx());
    assertTrue(activeAtKill < PLACES.length, "the rollout is still under way when D1 dies");
    AgentFixture.await(() -> d2.hazelcast().getPartitionService().isClusterSafe(), 30_000,
        "the cluster to re-replicate after losing D1");
    rest(agents, registryA.actualPort(), "/v1/rollouts/m/v1/pause");
    AgentFixture.sleep(1_000);   // the pause reaches the agents; chunks in flight finish
    a.vertx().close().await();
    toClose.remove(a.vertx());
    System.out.println("distributor D1 killed mid-transfer with " + activeAtKill
        + " of 6 agents active on v1, then leader registry A");
    AgentFixture.await(clusterB::leading, 15_000, "registry B to take the lease");
    JsonObject paused = policy(agents, registryB.actualPort());
    assertTrue(paused.getJsonArray("paused", new JsonArray()).contains("v1"),
        "the pause made on A holds on B: " + paused.encode());
    rest(agents, registryB.actualPort(), "/v1/rollouts/m/v1/resume");
    for (Path p : data) {
      awaitCurrent(p, "m", "v1", 90_000);
      assertIdentical(p, v1.manifest());
    }

    CommittedVersion v2 = publish(agents, List.of(plane2), registries, "v2", 4 * MIB + 7, 5);
    assertEquals(2, v2.sequence(), "registry B continues the sequence");
    for (Path p : data) {
      awaitCurrent(p, "m", "v2", 90_000);
      assertIdentical(p, v2.manifest());
    }
    for (int i = 0; i < PLACES.length; i++) {
      assertEquals(List.of(1L, 2L), List.copyOf(seen.get(i)), "announcements seen by gpu-" + i);
    }
    int chunks = chunks1 + v2.manifest().distinctChunks().size();
    ClusterTestSupport.assertCrossingsBounded(
        AgentFixture.transfers(agents, plane2, PLACES.length * chunks), List.of(v1, v2));
  }

  private ClusteredVertx.Member member(String name, List<String> members, int i) {
    return join(name, Integer.parseInt(members.get(i).split(":")[1]), members);
  }

  private RegistryVerticle registry(ClusteredVertx.Member m, RegistryCluster cluster,
      String data) {
    RegistryVerticle r = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve(data)), cluster);
    m.vertx().deployVerticle(r).await();
    return r;
  }

  /** Writes a model, uploads its chunks to every given distributor, publishes it. */
  private CommittedVersion publish(Vertx vertx, List<ControlPlaneFixture> planes,
      String registries, String version, long bytes, long seed) {
    Path src = dir.resolve("src-" + version);
    ModelFixture.write(src, bytes, seed);
    Manifest m = ModelFixture.manifestOf(src, "m", version, 512 * 1024);
    planes.forEach(p -> p.upload(m, src).await());
    RegistryConnection registry = RegistryConnection.create(vertx, registries);
    try {
      return ControlPlaneFixture.onContext(vertx, () -> registry.publish(m)).await().version();
    } finally {
      registry.close();
    }
  }

  private static void rest(Vertx vertx, int port, String path) {
    HttpClient http = vertx.createHttpClient();
    try {
      int status = ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.POST, port,
          "127.0.0.1", path).compose(req -> req.send()).map(resp -> resp.statusCode())).await();
      assertEquals(200, status, "POST " + path);
    } finally {
      http.close();
    }
  }

  private static JsonObject policy(Vertx vertx, int port) {
    return AgentFixture.getJsonUntil(vertx, port, "/v1/models/m/policy", body -> true, 1_000);
  }
}
