package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Faults around the agent: dropped connections, restarts, a disk too small. */
@ExtendWith(VertxExtension.class)
class AgentFaultTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @Test
  void finishesAVersionWhenConnectionsDropMidChunk(Vertx vertx) {
    CuttingProxy proxy = new CuttingProxy(vertx, 2, 300 * 1024);
    int proxyPort = proxy.listen().await();
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.startRegistry(0).await();
    plane.startDistributor("http://127.0.0.1:" + proxyPort).await();
    proxy.target(plane.distributorPort());
    plane.awaitLease().await();
    Path data = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")))
        .await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        6 * MIB + 5, 11, MIB);
    awaitCurrent(data, "m", "v1", 30_000);
    assertIdentical(data, v1.manifest());
    assertEquals(2, proxy.cuts.get(), "both cut connections were used");
  }

  /**
   * A chunk whose codec tag is unknown, or whose frame decodes to another length than the
   * manifest's, is rejected and fetched again; the version still arrives byte-identical.
   */
  @ParameterizedTest
  @EnumSource(TamperingProxy.Fault.class)
  void refetchesAChunkWithAnUnknownCodecOrAWrongDecodedLength(TamperingProxy.Fault fault,
      Vertx vertx) {
    TamperingProxy proxy = new TamperingProxy(vertx, 2, fault);
    int proxyPort = proxy.listen().await();
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.startRegistry(0).await();
    plane.startDistributor("http://127.0.0.1:" + proxyPort).await();
    proxy.target(plane.distributorPort());
    plane.awaitLease().await();
    Path data = dir.resolve("agent");
    // A failed version is not retried within the test: only the per-chunk refetch can save it.
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")
        .withRetryFailedMs(600_000))).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        3 * MIB + 7, 12, MIB);
    awaitCurrent(data, "m", "v1", 30_000);
    assertIdentical(data, v1.manifest());
    assertEquals(2, proxy.spoiled.get(), "two chunks were spoiled");
    long chunks = v1.manifest().files().stream().mapToLong(f -> f.chunks().size()).sum();
    assertEquals(chunks + 2, proxy.chunkGets.get(), "each spoiled chunk was fetched again");
    proxy.close().await();
  }

  @Test
  void keepsGoingWhenTheRegistryRestartsAndPicksUpLaterVersions(Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    int registryPort = plane.registryPort();
    Path data = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")))
        .await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1",
        4 * MIB, 1, MIB);
    plane.stopRegistry().await();
    awaitCurrent(data, "m", "v1", 30_000);
    plane.startRegistry(registryPort).await();
    plane.awaitLease().await();
    CommittedVersion v2 = AgentFixture.publish(vertx, plane, dir.resolve("src2"), "m", "v2",
        3 * MIB, 2, MIB);
    awaitCurrent(data, "m", "v2", 30_000);
    assertIdentical(data, v1.manifest());
    assertIdentical(data, v2.manifest());
  }

  @Test
  void recoversWhenTheDistributorRestartsMidTransfer(Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path data = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")
        .withFetch(1, 2_000, 2))).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        24 * MIB, 5, 256 * 1024);
    plane.stopDistributor().await();
    plane.startDistributor().await();
    awaitCurrent(data, "m", "v1", 60_000);
    assertIdentical(data, v1.manifest());
  }

  @Test
  void refusesAVersionLargerThanTheDiskAndKeepsTheCurrentOne(Vertx vertx) throws Exception {
    Path data = dir.resolve("small-disk");
    Files.createDirectories(data);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs",
        data.toString()).redirectErrorStream(true).start();
    Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
        "needs root to mount a small tmpfs");
    try {
      ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
      plane.start().await();
      AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, data, "gpu-001"));
      vertx.deployVerticle(agent).await();
      AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1", 2 * MIB, 1, MIB);
      awaitCurrent(data, "m", "v1", 20_000);
      AgentFixture.publish(vertx, plane, dir.resolve("src2"), "m", "v2", 48 * MIB, 2, MIB);
      AgentFixture.await(() -> ControlPlaneFixture.onContext(vertx, () -> Future.succeededFuture(
          agent.progress().stream().anyMatch(p -> p.version().equals("v2")
              && p.state() == NodeProgress.State.FAILED
              && p.lastError().toLowerCase().contains("space")))).await(), 20_000,
          "v2 failed for lack of space");
      assertEquals("v1", AgentFixture.current(data, "m").orElseThrow());
      assertFalse(Files.exists(data.resolve("models").resolve("m").resolve("v2")));
      assertTrue(Files.isDirectory(data.resolve("models").resolve("m").resolve("v1")));
    } finally {
      for (String id : vertx.deploymentIDs()) {
        vertx.undeploy(id).await();
      }
      System.gc();
      new ProcessBuilder("umount", "-l", data.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
