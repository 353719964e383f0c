package io.weightcast.deploy.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.weightcast.deploy.cli.CliSupport;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.protocol.synthetic.SyntheticModel;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --chunk-size auto}: the rule alone, and pushes to a real registry and distributor. */
class ChunkSizingTest {
  private static final long MIB = 1L << 20;

  @Test
  void aModelGetsTheLargestPowerOfTwoUnderAOneSixtyFourthWithinOneToEightMiB() {
    assertEquals(MIB, ChunkSizing.forModel(0));
    assertEquals(MIB, ChunkSizing.forModel(10 * MIB));
    assertEquals(2 * MIB, ChunkSizing.forModel(128 * MIB));
    assertEquals(2 * MIB, ChunkSizing.forModel(255 * MIB), "255 / 64 < 4: rounds down");
    assertEquals(4 * MIB, ChunkSizing.forModel(300 * MIB));
    assertEquals(8 * MIB, ChunkSizing.forModel(512 * MIB));
    assertEquals(8 * MIB, ChunkSizing.forModel(70L << 30), "a 70 GiB model: 8 MiB, not 1 GiB");
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.forModel(-1));
  }

  @Test
  void aLaterVersionKeepsTheNewestSizeOnlyWithinAFactorOfFourOfTheRule() {
    assertEquals(2 * MIB, ChunkSizing.forVersion(128 * MIB, OptionalLong.empty()), "first");
    assertEquals(MIB, ChunkSizing.forVersion(128 * MIB, OptionalLong.of(MIB)), "rule 2, kept 1");
    assertEquals(4 * MIB, ChunkSizing.forVersion(24 * MIB, OptionalLong.of(4 * MIB)),
        "rule 1, kept 4: a factor of 4 is kept");
    assertEquals(MIB, ChunkSizing.forVersion(24 * MIB, OptionalLong.of(8 * MIB)),
        "rule 1, newest 8: too far, the rule's");
    assertEquals(8 * MIB, ChunkSizing.forVersion(70L << 30, OptionalLong.of(MIB)),
        "a 32 MiB first version does not cut a 70 GiB one in 1 MiB chunks");
    assertEquals(16 * MIB, ChunkSizing.forVersion(70L << 30, OptionalLong.of(16 * MIB)),
        "a size once given by hand is kept while within the factor");
  }

  @Test
  void parseTakesAutoInAnyCaseOrASize() {
    assertEquals(ChunkSizing.AUTO, ChunkSizing.parse("auto"));
    assertEquals(ChunkSizing.AUTO, ChunkSizing.parse(" AUTO "));
    assertEquals(4 * MIB, ChunkSizing.parse("4MiB"));
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.parse("automatic"));
  }

  @Test
  void aFirstVersionIsSizedFromItsFilesAndALaterOneKeepsTheNewestVersionsSize(@TempDir Path dir)
      throws Exception {
    Vertx vertx = CliSupport.newVertx();
    DemoCluster cluster = new DemoCluster(vertx, dir);
    try {
      cluster.start(0);
      assertEquals(2 * MIB, push(vertx, cluster, dir, "m", "v1", 128 * MIB, ChunkSizing.AUTO));
      assertEquals(2 * MIB, push(vertx, cluster, dir, "m", "v2", 24 * MIB, ChunkSizing.AUTO),
          "24 MiB alone would get 1 MiB: v2 keeps v1's boundaries, so a delta stays a delta");
      assertEquals(MIB, push(vertx, cluster, dir, "other", "v1", 24 * MIB, ChunkSizing.AUTO));
      assertEquals(4 * MIB, push(vertx, cluster, dir, "m", "v3", 24 * MIB, 4 * MIB),
          "a size given is used as given");
    } finally {
      cluster.stop();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /** Pushes a synthetic model of {@code bytes}; answers the chunk size of the published manifest. */
  private static long push(Vertx vertx, DemoCluster cluster, Path dir, String model,
      String version, long bytes, long chunkSize) {
    Path src = dir.resolve("src-" + model + "-" + version);
    SyntheticModel.write(src, bytes, bytes + version.hashCode());
    Pusher.Result r = CliSupport.runOnContext(vertx, v -> Pusher.push(v, new Pusher.Options(src,
        model, version, chunkSize, 8, cluster.registryEndpoint(), cluster.distributorUrl()),
        Pusher.Listener.QUIET));
    return r.version().manifest().chunkSize();
  }
}
