package io.weightcast.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.cluster.ClusterConfig;
import io.weightcast.protocol.cluster.ClusteredVertx;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registries in a real Hazelcast cluster on loopback: only the leader commits, a follower
 * answers UNAVAILABLE and a client with both rotates to the leader; progress and versions are
 * visible on both; after the leader is closed the follower takes over and continues the
 * sequence from the replicated log. An operator's pin made on one registry holds on the other,
 * also after the first is gone and a newer version is committed.
 */
@Tag("cluster")
class RegistryClusterTest {
  @TempDir Path dir;
  private final List<Vertx> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() {
    Collections.reverse(toClose);
    toClose.forEach(v -> v.close().await());
  }

  @Test
  void followerRefersPublishesToTheLeaderAndTakesOverWhenItLeaves() throws Exception {
    String name = "wc-reg-" + UUID.randomUUID().toString().substring(0, 8);
    int[] ports = {freePort(), freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    ClusteredVertx.Member a = join(name, ports[0], members);
    RegistryCluster clusterA = new RegistryCluster(a.hazelcast());
    RegistryVerticle leader = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve("a")), clusterA);
    a.vertx().deployVerticle(leader).await();
    await(clusterA::leading, "registry A to lead");
    ClusteredVertx.Member b = join(name, ports[1], members);
    RegistryCluster clusterB = new RegistryCluster(b.hazelcast());
    RegistryVerticle follower = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve("b")), clusterB);
    b.vertx().deployVerticle(follower).await();
    String f = "127.0.0.1:" + follower.actualPort();
    String l = "127.0.0.1:" + leader.actualPort();

    Vertx vertx = Vertx.vertx();
    toClose.add(vertx);
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir)
        .withExternalRegistry(f + "," + l);
    plane.startDistributor().await();
    plane.awaitLease().await();
    Manifest v1 = model("v1", 1);
    plane.upload(v1, dir.resolve("src-v1")).await();

    RegistryConnection followerOnly = RegistryConnection.create(vertx, f);
    RegistryConnection both = RegistryConnection.create(vertx, f + "," + l);
    try {
      CompletionException refused = assertThrows(CompletionException.class,
          () -> onContext(vertx, () -> followerOnly.publish(v1)));
      assertTrue(refused.getCause() instanceof Unavailable
          && refused.getCause().getMessage().contains("follower"), refused.getMessage());
      List<Long> watched = Collections.synchronizedList(new ArrayList<>());
      onContext(vertx, () -> followerOnly.watch(0, List.of(), v -> watched.add(v.sequence())));
      CommittedVersion c1 = onContext(vertx, () -> both.publish(v1)).version();
      assertEquals(1, c1.sequence());
      await(() -> watched.equals(List.of(1L)), "the follower's watcher to see sequence 1");

      onContext(vertx, () -> followerOnly.reportProgress(new NodeProgress("gpu-1", "z1", "r1",
          v1.model(), "v1", NodeProgress.State.ACTIVE, 1, 1, 10, 10, 0, "", "", true, 0)));
      await(() -> activeNodes(vertx, leader.actualPort(), v1) == 1,
          "progress reported to the follower to show on the leader");

      JsonObject pinned = rest(vertx, HttpMethod.POST, leader.actualPort(), "/v1/models/m/pin",
          new JsonObject().put("version", "v1"));
      assertEquals("v1", pinned.getString("pinned"), pinned.encode());
      await(() -> "v1".equals(policyOn(vertx, follower.actualPort()).getString("pinned")),
          "the pin made on registry A to show on registry B");

      a.vertx().close().await();
      toClose.remove(a.vertx());
      await(clusterB::leading, "registry B to take the lease");
      Manifest v2 = model("v2", 2);
      plane.upload(v2, dir.resolve("src-v2")).await();
      CommittedVersion c2 = onContext(vertx, () -> both.publish(v2)).version();
      assertEquals(2, c2.sequence(), "the new leader continues the replicated sequence");
      JsonObject afterFailover = policyOn(vertx, follower.actualPort());
      assertEquals("v1", afterFailover.getString("target"),
          "after failover the pin still holds against the newer v2: " + afterFailover.encode());
      assertTrue(java.nio.file.Files.readString(dir.resolve("b").resolve("control.json"))
          .contains("\"pinned\" : \"v1\""), "registry B keeps a local copy of the pin");
      await(() -> watched.equals(List.of(1L, 2L)), "the watcher to see 1 then 2, once each");
      assertEquals(List.of("v1", "v2"), onContext(vertx, () -> followerOnly.listVersions("m"))
          .stream().map(v -> v.manifest().version()).toList());
    } finally {
      followerOnly.close();
      both.close();
    }
  }

  private Manifest model(String version, long seed) {
    Path src = dir.resolve("src-" + version);
    ModelFixture.write(src, 2 * 1024 * 1024 + seed, seed);
    return ModelFixture.manifestOf(src, "m", version, 512 * 1024);
  }

  private static int activeNodes(Vertx vertx, int port, Manifest m) {
    HttpClient http = vertx.createHttpClient();
    try {
      JsonObject body = onContext(vertx, () -> http.request(HttpMethod.GET, port, "127.0.0.1",
              "/v1/rollouts/" + m.model() + "/" + m.version())
          .compose(req -> req.send()).compose(resp -> resp.body()).map(b -> b.toJsonObject()));
      return body.getJsonArray("nodes").size();
    } catch (RuntimeException e) {
      return -1;
    } finally {
      http.close();
    }
  }

  private static JsonObject policyOn(Vertx vertx, int port) {
    try {
      return rest(vertx, HttpMethod.GET, port, "/v1/models/m/policy", null);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static JsonObject rest(Vertx vertx, HttpMethod method, int port, String path,
      JsonObject body) {
    HttpClient http = vertx.createHttpClient();
    try {
      return onContext(vertx, () -> http.request(method, port, "127.0.0.1", path)
          .compose(req -> body == null ? req.send() : req.putHeader("content-type",
              "application/json").send(body.toBuffer()))
          .compose(resp -> resp.body()).map(b -> b.toJsonObject()));
    } finally {
      http.close();
    }
  }

  private ClusteredVertx.Member join(String name, int port, List<String> members) {
    ClusteredVertx.Member m = ClusteredVertx.start(new ClusterConfig(name, "127.0.0.1", port,
        members, ""), new VertxOptions()).await();
    toClose.add(m.vertx());
    return m;
  }

  /** Runs {@code work} on a context; a failure surfaces as a CompletionException. */
  private static <T> T onContext(Vertx vertx,
      java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    return ControlPlaneFixture.onContext(vertx, work).toCompletionStage().toCompletableFuture()
        .join();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
