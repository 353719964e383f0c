package io.weightcast.distributor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A new verticle on the same data directory serves what the previous one stored. */
@ExtendWith(VertxExtension.class)
class DistributorRestartTest {
  @TempDir Path dataDir;

  @Test
  void newVerticleOnSameDataDirServesPreviouslyStoredChunks(Vertx vertx, VertxTestContext test) {
    byte[] zstd = TestChunks.bf16Like(1 << 20, 5);
    byte[] raw = TestChunks.random(1 << 20, 6);
    DistributorFixture.start(vertx, dataDir).compose(fx -> fx.put(fx.h2, zstd)
        .compose(v -> fx.put(fx.h2, raw))
        .compose(v -> fx.stop())
        .compose(v -> fx.deploy())
        .compose(v -> fx.get(fx.h2, Digest.sha256(zstd)))
        .compose(first -> fx.get(fx.h1, Digest.sha256(raw)).map(second -> {
          test.verify(() -> {
            assertEquals(200, first.status());
            assertEquals("zstd-shuffle2", first.header(ChunkHttp.CODEC_HEADER));
            assertArrayEquals(zstd, TestChunks.decode(Codec.ZSTD_SHUFFLE2, first.body(),
                zstd.length));
            assertEquals(200, second.status());
            assertEquals("raw", second.header(ChunkHttp.CODEC_HEADER));
            assertArrayEquals(raw, second.body().getBytes());
          });
          return fx;
        }))
        .compose(DistributorFixture::stop))
        .onComplete(test.succeedingThenComplete());
  }
}
