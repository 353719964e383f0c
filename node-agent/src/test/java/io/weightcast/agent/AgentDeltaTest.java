package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.synthetic.SyntheticCheckpoint;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas between versions on a real agent with a real registry and distributor: a fine-tune of
 * a safetensors checkpoint copies the chunks the agent already holds instead of fetching them.
 */
@ExtendWith(VertxExtension.class)
class AgentDeltaTest {
  private static final long CHUNK = 64 * 1024;
  private static final String FILE = "model.safetensors";
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private Path agentData;
  private AgentVerticle agent;
  private Manifest v1;
  private Manifest v2;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    agentData = dir.resolve("agent");
    agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    List<SyntheticCheckpoint.Spec> base = SyntheticCheckpoint.base(20, 1024, 1);
    v1 = write(dir.resolve("src1"), "v1", base);
    v2 = write(dir.resolve("src2"), "v2", SyntheticCheckpoint.fineTune(base));
    plane.upload(v1, dir.resolve("src1")).await();
    publish(vertx, v1);
    awaitCurrent(agentData, "m", "v1", 30_000);
    plane.upload(v2, dir.resolve("src2")).await();
  }

  @Test
  void fineTuneFetchesOnlyTheChangedChunksAndCopiesTheRest(Vertx vertx) throws Exception {
    // The distributor loses every chunk v2 shares with v1: v2 can only complete by reuse.
    Set<Digest> shared = digests(v1);
    shared.retainAll(digests(v2));
    for (Digest d : shared) {
      Files.delete(storedFrame(d));
    }
    publish(vertx, v2);
    awaitCurrent(agentData, "m", "v2", 30_000);
    assertIdentical(agentData, v2);

    long sharedBytes = bytesOf(v2, shared);
    NodeProgress p = progress(vertx, "v2");
    assertEquals(sharedBytes, p.bytesReused());
    double fraction = (double) p.bytesReused() / v2.totalBytes();
    assertTrue(fraction > 0.85, "reused " + fraction + " of v2's bytes");
  }

  @Test
  void corruptHeldChunkIsNotReusedButFetched(Vertx vertx) throws Exception {
    Set<Digest> shared = digests(v1);
    shared.retainAll(digests(v2));
    ChunkSpec victim = v1.files().stream().filter(f -> f.path().equals(FILE)).findFirst()
        .orElseThrow().chunks().stream().filter(c -> shared.contains(c.digest())).skip(3)
        .findFirst().orElseThrow();
    Path held = agentData.resolve("models").resolve("m").resolve("v1").resolve(FILE);
    try (FileChannel ch = FileChannel.open(held, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, victim.offset() + 10);
      b.put(0, (byte) (b.get(0) ^ 0x40));
      ch.write(b.flip(), victim.offset() + 10);
    }
    publish(vertx, v2);
    awaitCurrent(agentData, "m", "v2", 30_000);
    assertIdentical(agentData, v2);
    assertEquals(bytesOf(v2, shared) - victim.length(), progress(vertx, "v2").bytesReused());
  }

  private Manifest write(Path src, String version, List<SyntheticCheckpoint.Spec> specs) {
    try {
      Files.createDirectories(src);
      SyntheticCheckpoint.write(src.resolve(FILE), specs);
      Files.writeString(src.resolve("config.json"), "{\"version\":\"" + version + "\"}\n");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return new Chunker(CHUNK).manifest("m", version, ModelDirectory.scan(src), Runnable::run,
        n -> { });
  }

  private void publish(Vertx vertx, Manifest m) {
    RegistryConnection r = RegistryConnection.create(vertx, plane.registryEndpoint());
    try {
      ControlPlaneFixture.onContext(vertx, () -> r.publish(m)).await();
    } finally {
      r.close();
    }
  }

  private NodeProgress progress(Vertx vertx, String version) {
    return ControlPlaneFixture.onContext(vertx, () -> Future.succeededFuture(
        agent.progress().stream().filter(p -> p.version().equals(version)).findFirst()
            .orElseThrow())).await();
  }

  private static Set<Digest> digests(Manifest m) {
    return new HashSet<>(m.distinctChunks().keySet());
  }

  /** Bytes of the chunks of {@code m} (every occurrence) whose digest is in {@code set}. */
  private static long bytesOf(Manifest m, Set<Digest> set) {
    return m.files().stream().map(FileEntry::chunks).flatMap(List::stream)
        .filter(c -> set.contains(c.digest())).mapToLong(ChunkSpec::length).sum();
  }

  private Path storedFrame(Digest d) throws Exception {
    try (Stream<Path> files = Files.walk(dir.resolve("dist"))) {
      return files.filter(p -> p.getFileName().toString().startsWith(d.hex())).findFirst()
          .orElseThrow(() -> new AssertionError("no stored frame for " + d.shortHex()));
    }
  }
}
