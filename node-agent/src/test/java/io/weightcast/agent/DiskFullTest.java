package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.assemble.SmallDisk;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data disk (a 160 MiB tmpfs) fills up in the middle of a version: v2 is preallocated, then
 * paused by the operators, another writer takes every free byte, and the rollout resumes. The
 * version fails with "no space" in its reported error, {@code current} stays on v1 (still
 * readable, byte-identical), and once the space is freed the agent completes v2 by itself.
 * Skipped where a tmpfs cannot be mounted (not root).
 */
@ExtendWith(VertxExtension.class)
class DiskFullTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private SmallDisk small;
  private Path disk;

  @Test
  void failsWithNoSpaceMidVersionKeepsCurrentAndRecoversWhenSpaceIsFreed(Vertx vertx)
      throws Exception {
    small = SmallDisk.mount(dir.resolve("disk"), "160m");
    disk = small.dir();
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path data = disk.resolve("data");
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1",
        2 * MIB, 1, MIB);
    // 768 chunks: the journal outgrows its first page (337 records) long before the end.
    CommittedVersion v2 = AgentFixture.publish(vertx, plane, dir.resolve("src2"), "m", "v2",
        48 * MIB, 2, 64 * 1024);
    HttpClient http = vertx.createHttpClient();
    assertEquals(200, post(vertx, http, plane, "/v1/rollouts/m/v2/pause"));
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")
        .withFetch(4, 5_000, 3).withRetryFailedMs(500));
    vertx.deployVerticle(agent).await();
    awaitCurrent(data, "m", "v1", 20_000);
    AgentFixture.await(() -> state(vertx, agent).map(p -> p.state() == NodeProgress.State.PAUSED)
        .orElse(false), 20_000, "v2 preallocated and paused");

    Path filler = disk.resolve("filler.bin");
    long filled = fill(filler);
    assertTrue(Files.getFileStore(disk).getUsableSpace() < 64 * 1024,
        "the disk is full after writing " + filled + " bytes");
    assertEquals(200, post(vertx, http, plane, "/v1/rollouts/m/v2/resume"));
    AgentFixture.await(() -> state(vertx, agent).map(p -> p.state() == NodeProgress.State.FAILED
        && p.lastError().toLowerCase().contains("no space")).orElse(false), 30_000,
        "v2 failed with 'no space' (is " + state(vertx, agent) + ")");
    assertEquals("v1", AgentFixture.current(data, "m").orElseThrow());
    assertIdentical(data, v1.manifest());
    assertTrue(Files.notExists(data.resolve("models").resolve("m").resolve("v2")));

    Files.delete(filler);
    awaitCurrent(data, "m", "v2", 60_000);
    assertIdentical(data, v2.manifest());
    assertIdentical(data, v1.manifest());
    http.close().await();
  }

  /** The agent's progress for m/v2, read on its context. */
  private static Optional<NodeProgress> state(Vertx vertx, AgentVerticle agent) {
    return ControlPlaneFixture.onContext(vertx, () -> Future.succeededFuture(
        agent.progress().stream().filter(p -> p.version().equals("v2")).findFirst())).await();
  }

  private static int post(Vertx vertx, HttpClient http, ControlPlaneFixture plane, String path) {
    return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.POST,
        plane.registryPort(), "127.0.0.1", path).compose(r -> r.send())
        .map(r -> r.statusCode())).await();
  }

  /** Writes {@code file} until the filesystem refuses more; answers the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException e) {
      if (!e.getMessage().contains("No space left")) {
        throw e;
      }
    }
    return written;
  }

  /** Mapped windows keep the tmpfs busy until collected: collect, retry, then detach lazily. */
  @AfterEach
  void unmount(Vertx vertx) throws Exception {
    if (small == null) {
      return;
    }
    for (String id : vertx.deploymentIDs()) {
      vertx.undeploy(id).await();
    }
    small.close();
  }

}
