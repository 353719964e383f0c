package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests that record each chunk's encoding (codec, stored length), against a real registry,
 * distributor and agent on loopback: the agent lands such a version, and refuses (and refetches,
 * until it gives up) frames whose codec or length differs from what the manifest records.
 */
@ExtendWith(VertxExtension.class)
class AgentManifestEncodingTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private Path agentData;
  private AgentVerticle agent;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    agentData = dir.resolve("agent");
    agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
  }

  @Test
  void landsAVersionWhoseManifestRecordsTheStoredEncodings(Vertx vertx) {
    Manifest m = uploaded(vertx, "v1", 1, UnaryOperator.identity());
    assertTrue(m.files().stream().flatMap(f -> f.chunks().stream())
        .allMatch(c -> c.encoding().isPresent()), "every chunk records its encoding");
    publish(vertx, m);
    awaitCurrent(agentData, "m", "v1", 20_000);
    assertIdentical(agentData, m);
  }

  @Test
  void refusesAndRefetchesFramesInAnotherCodecOrOfAnotherLength(Vertx vertx) {
    // v2: a compressed chunk recorded with another codec; v3: with its codec but 1 byte longer.
    Manifest v2 = uploaded(vertx, "v2", 2, e -> new ChunkEncoding(
        e.codec() == Codec.ZSTD ? Codec.ZSTD_SHUFFLE4 : Codec.ZSTD, e.storedLength()));
    publish(vertx, v2);
    awaitFailure(vertx, "v2", "the manifest records");
    Manifest v3 = uploaded(vertx, "v3", 3, e -> new ChunkEncoding(e.codec(),
        e.storedLength() + 1));
    publish(vertx, v3);
    awaitFailure(vertx, "v3", "the manifest records");
    assertTrue(AgentFixture.current(agentData, "m").isEmpty(), "no version became current");
  }

  /**
   * Writes and uploads a model, reads back how the distributor stored each chunk and records that
   * in the manifest; {@code tamper} rewrites the encoding of the first compressed chunk.
   */
  private Manifest uploaded(Vertx vertx, String version, long seed,
      UnaryOperator<ChunkEncoding> tamper) {
    Path src = dir.resolve("src-" + version);
    ModelFixture.write(src, 3 * MIB, seed);
    Manifest m = ModelFixture.manifestOf(src, "m", version, MIB);
    plane.upload(m, src).await();
    ChunkApiClient chunks = ChunkApiClient.create(vertx, plane.distributorUrl(), 8, 10_000);
    Map<Digest, ChunkEncoding> encodings = new HashMap<>();
    try {
      for (Digest d : m.distinctChunks().keySet()) {
        encodings.put(d, ControlPlaneFixture.onContext(vertx, () -> chunks.encoding(d)).await()
            .orElseThrow());
      }
    } finally {
      chunks.close();
    }
    Digest victim = m.files().stream().flatMap(f -> f.chunks().stream()).map(ChunkSpec::digest)
        .filter(d -> encodings.get(d).codec() != Codec.RAW).findFirst().orElseThrow();
    encodings.put(victim, tamper.apply(encodings.get(victim)));
    return m.withEncodings(encodings);
  }

  private void publish(Vertx vertx, Manifest m) {
    RegistryConnection r = RegistryConnection.create(vertx, plane.registryEndpoint());
    ControlPlaneFixture.onContext(vertx, () -> r.publish(m)).await();
    r.close();
  }

  private void awaitFailure(Vertx vertx, String version, String reason) {
    AgentFixture.await(() -> ControlPlaneFixture.onContext(vertx, () -> {
      // progress() belongs to the agent's context: a read racing an update is retried.
      try {
        return Future.succeededFuture(agent.progress().stream().anyMatch(p -> p.version()
            .equals(version) && p.state() == NodeProgress.State.FAILED
            && p.lastError().contains(reason)
            && p.lastError().contains("failed after 3 attempt(s)")));
      } catch (RuntimeException e) {
        return Future.succeededFuture(false);
      }
    }).await(), 40_000, version + " failed with '" + reason + "'");
  }
}
