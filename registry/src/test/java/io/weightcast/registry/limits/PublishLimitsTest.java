package io.weightcast.registry.limits;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.LimitExceeded;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.TestManifests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry with low publish limits, over real gRPC: each limit refuses with RESOURCE_EXHAUSTED
 * (rebuilt as {@link LimitExceeded}) naming the option, before any distributor is asked.
 */
@ExtendWith(VertxExtension.class)
class PublishLimitsTest {
  private static final int CHUNK = 4096;
  @TempDir Path dir;
  private RegistryConnection registry;

  @BeforeEach
  void start(Vertx vertx) {
    RegistryVerticle r = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0, dir,
        new PublishLimits(4_000, 3, 24, 2 * CHUNK)));
    vertx.deployVerticle(r).await();
    registry = RegistryConnection.create(vertx, "127.0.0.1:" + r.actualPort(), 5_000);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void refusesTooManyFiles() {
    assertRefused(manifest(4, "f", 1, CHUNK), "4 files, the limit is 3 (registry --max-files)");
  }

  @Test
  void refusesATooLongPath() {
    assertRefused(manifest(1, "a/very/long/path/to/weights", 1, CHUNK),
        "the limit is 24 (registry --max-path-length)");
  }

  @Test
  void refusesATooLargeChunkSize() {
    assertRefused(manifest(1, "f", 1, 4 * CHUNK), "(registry --max-chunk-size)");
  }

  @Test
  void refusesATooLargeManifest() {
    assertRefused(manifest(1, "f", 200, CHUNK), "the limit is 4000 (registry --max-manifest-bytes)");
  }

  @Test
  void aManifestWithinTheLimitsGoesOnToTheChunkCheck() {
    // No distributor holds its chunks, so it fails there, not at a limit.
    Throwable e = failureOf(TestManifests.of("m", "v1", "1"));
    assertFalse(e instanceof LimitExceeded, String.valueOf(e));
  }

  private void assertRefused(Manifest m, String message) {
    LimitExceeded limit = assertInstanceOf(LimitExceeded.class, failureOf(m));
    assertTrue(limit.getMessage().contains(message), limit.getMessage());
  }

  /** The publish's failure; null when it succeeded. */
  private Throwable failureOf(Manifest m) {
    return registry.publish(m).<Throwable>transform(ar ->
        io.vertx.core.Future.succeededFuture(ar.cause())).await();
  }

  /** {@code files} files named {@code name}N of {@code chunks} chunks each. */
  private static Manifest manifest(int files, String name, int chunks, int chunkSize) {
    List<FileEntry> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<ChunkSpec> specs = new ArrayList<>();
      for (int c = 0; c < chunks; c++) {
        specs.add(new ChunkSpec(c, (long) c * chunkSize, chunkSize,
            Digest.sha256((name + f + "-" + c).getBytes(StandardCharsets.UTF_8))));
      }
      out.add(new FileEntry(name + f, (long) chunks * chunkSize,
          Digest.sha256((name + f).getBytes(StandardCharsets.UTF_8)), specs));
    }
    return new Manifest("m", "v1", chunkSize, out);
  }
}
