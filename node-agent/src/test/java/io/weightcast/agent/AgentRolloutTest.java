package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real registry and distributor on loopback, with real files. */
@ExtendWith(VertxExtension.class)
class AgentRolloutTest {
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

  @Test
  void bringsAVersionByteIdenticalAndPointsCurrentAtIt(Vertx vertx) throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "llama-mini",
        "v1", 5 * MIB + 333, 1, MIB);
    awaitCurrent(agentData, "llama-mini", "v1", 20_000);
    assertIdentical(agentData, v1.manifest());
    assertFalse(Files.exists(agentData.resolve("staging").resolve("llama-mini").resolve("v1")));
    Path position = agentData.resolve("state").resolve("watch-position");
    AgentFixture.await(() -> Files.exists(position), 5_000, "watch position persisted");
    assertEquals("1", Files.readString(position));
  }

  @Test
  void activatesEachNewerVersionAndKeepsOnlyTheLastTwo(Vertx vertx) {
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")))
        .await();
    for (int i = 1; i <= 3; i++) {
      CommittedVersion v = AgentFixture.publish(vertx, plane, dir.resolve("src" + i), "m",
          "v" + i, 2 * MIB + i, i, MIB);
      awaitCurrent(agentData, "m", "v" + i, 20_000);
      assertIdentical(agentData, v.manifest());
    }
    Path models = agentData.resolve("models").resolve("m");
    AgentFixture.await(() -> !Files.exists(models.resolve("v1")), 5_000, "v1 deleted");
    assertTrue(Files.isDirectory(models.resolve("v2")));
    assertTrue(Files.isDirectory(models.resolve("v3")));
  }

  @Test
  void servesTheChunksItHoldsToPeers(Vertx vertx) throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        3 * MIB, 3, MIB);
    awaitCurrent(agentData, "m", "v1", 20_000);
    FileEntry f = v1.manifest().files().get(0);
    ChunkSpec c = f.chunks().get(f.chunks().size() - 1);
    HttpClient http = vertx.createHttpClient();
    Buffer body = ControlPlaneFixture.onContext(vertx, () -> http
        .request(HttpMethod.GET, agent.actualPort(), "127.0.0.1", ChunkHttp.chunkPath(c.digest()))
        .compose(req -> req.send()).compose(resp -> resp.body())).await();
    byte[] expected = new byte[(int) c.length()];
    try (FileChannel ch = FileChannel.open(dir.resolve("src").resolve(f.path()))) {
      ch.read(ByteBuffer.wrap(expected), c.offset());
    }
    assertArrayEquals(expected, body.getBytes());
    int missing = ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET,
        agent.actualPort(), "127.0.0.1", ChunkHttp.CHUNKS_PATH + "00".repeat(32))
        .compose(req -> req.send()).map(resp -> resp.statusCode())).await();
    assertEquals(404, missing);
    http.close();
  }

  @Test
  void corruptChunkIsRefetchedAndTheVersionFailsWithTheReasonUntilRepaired(Vertx vertx)
      throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1",
        2 * MIB, 1, MIB);
    awaitCurrent(agentData, "m", "v1", 20_000);
    // Corrupt, at the distributor, the stored frame of a v2 chunk that v1 does not hold (a chunk
    // the agent already holds is copied locally, never fetched).
    io.weightcast.protocol.Manifest m2 = writeAndUpload(vertx, dir.resolve("src2"), "v2", 2);
    java.util.Set<io.weightcast.protocol.Digest> held = v1.manifest().distinctChunks().keySet();
    ChunkSpec victim = m2.files().stream().flatMap(f -> f.chunks().stream())
        .filter(c -> !held.contains(c.digest())).findFirst().orElseThrow();
    Path frame = storedFrame(victim);
    byte[] original = Files.readAllBytes(frame);
    byte[] corrupt = original.clone();
    for (int i = corrupt.length / 3; i < corrupt.length / 3 + 64; i++) {
      corrupt[i] ^= 0x5a;
    }
    Files.write(frame, corrupt);
    publishManifest(vertx, m2);
    AgentFixture.await(() -> failedWith(vertx, agent, "v2"), 20_000, "v2 failed");
    assertEquals("v1", AgentFixture.current(agentData, "m").orElseThrow());
    Files.write(frame, original, StandardOpenOption.TRUNCATE_EXISTING);
    awaitCurrent(agentData, "m", "v2", 20_000);
    assertIdentical(agentData, m2);
  }

  private boolean failedWith(Vertx vertx, AgentVerticle agent, String version) {
    return ControlPlaneFixture.onContext(vertx, () -> io.vertx.core.Future.succeededFuture(
        agent.progress().stream().anyMatch(p -> p.version().equals(version)
            && p.state() == io.weightcast.protocol.NodeProgress.State.FAILED
            && p.lastError().contains(victimHint())))).await();
  }

  private static String victimHint() {
    return "failed after 3 attempt(s)";
  }

  private io.weightcast.protocol.Manifest writeAndUpload(Vertx vertx, Path src, String version,
      long seed) {
    io.weightcast.protocol.testing.ModelFixture.write(src, 2 * MIB, seed);
    io.weightcast.protocol.Manifest m = io.weightcast.protocol.testing.ModelFixture.manifestOf(
        src, "m", version, MIB);
    plane.upload(m, src).await();
    return m;
  }

  private void publishManifest(Vertx vertx, io.weightcast.protocol.Manifest m) {
    io.weightcast.protocol.wire.RegistryConnection r =
        io.weightcast.protocol.wire.RegistryConnection.create(vertx, plane.registryEndpoint());
    ControlPlaneFixture.onContext(vertx, () -> r.publish(m)).await();
    r.close();
  }

  private Path storedFrame(ChunkSpec c) throws Exception {
    try (var files = Files.walk(dir.resolve("dist"))) {
      return files.filter(p -> p.getFileName().toString().startsWith(c.digest().hex()))
          .findFirst().orElseThrow();
    }
  }
}
