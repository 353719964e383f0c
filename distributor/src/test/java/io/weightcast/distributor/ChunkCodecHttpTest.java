package io.weightcast.distributor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.luben.zstd.Zstd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.weightcast.distributor.DistributorFixture.Reply;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec chosen at PUT time, the {@code Weightcast-Element-Width} hint, and frames stored by
 * an older distributor, against a real server.
 */
@ExtendWith(VertxExtension.class)
class ChunkCodecHttpTest {
  private static final int MIB = 1 << 20;
  @TempDir Path dataDir;

  private static Future<Reply> put(DistributorFixture fx, HttpClientAgent client, byte[] chunk,
      String width) {
    Map<String, String> headers = width == null ? Map.of()
        : Map.of(ChunkHttp.ELEMENT_WIDTH_HEADER, width);
    return fx.send(client, HttpMethod.PUT, ChunkHttp.chunkPath(Digest.sha256(chunk)), headers,
        Buffer.buffer(chunk));
  }

  /** PUT with the hint, then GET: the codec header, and the body decodes to the chunk. */
  private static void assertStoredAs(DistributorFixture fx, HttpClientAgent client, byte[] chunk,
      String width, Codec expected) {
    Reply stored = put(fx, client, chunk, width).await();
    assertEquals(201, stored.status(), stored.body().toString());
    Reply get = fx.get(client, Digest.sha256(chunk)).await();
    assertEquals(200, get.status());
    assertEquals(expected.wireName(), get.header(ChunkHttp.CODEC_HEADER));
    assertEquals(chunk.length, Long.parseLong(get.header(ChunkHttp.RAW_LENGTH_HEADER)));
    assertArrayEquals(chunk, TestChunks.decode(Codec.fromWireName(
        get.header(ChunkHttp.CODEC_HEADER)), get.body(), chunk.length));
  }

  @Test
  void picksTheCodecPerChunkAndFollowsTheElementWidthHint(Vertx vertx) {
    DistributorFixture fx = DistributorFixture.start(vertx, dataDir).await();
    try {
      assertStoredAs(fx, fx.h2, TestChunks.bf16Like(2 * MIB, 1), null, Codec.ZSTD_SHUFFLE2);
      assertStoredAs(fx, fx.h1, TestChunks.fp32Like(2 * MIB, 2), null, Codec.ZSTD_SHUFFLE4);
      assertStoredAs(fx, fx.h2, TestChunks.fp32Like(2 * MIB, 3), "4", Codec.ZSTD_SHUFFLE4);
      assertStoredAs(fx, fx.h1, TestChunks.bf16Like(2 * MIB, 4), "1", Codec.ZSTD);
      assertStoredAs(fx, fx.h2, TestChunks.bf16Like(2 * MIB + 1, 5), "2", Codec.ZSTD_SHUFFLE2);
      assertStoredAs(fx, fx.h2, TestChunks.random(MIB, 6), "2", Codec.RAW);
    } finally {
      fx.stop().await();
    }
  }

  @Test
  void refusesAnElementWidthOtherThan124AndStoresNothing(Vertx vertx) {
    DistributorFixture fx = DistributorFixture.start(vertx, dataDir).await();
    try {
      for (String bad : new String[] {"3", "8", "two", ""}) {
        byte[] chunk = TestChunks.bf16Like(64 * 1024, bad.length());
        Reply reply = put(fx, fx.h2, chunk, bad).await();
        assertEquals(400, reply.status(), "width '" + bad + "'");
        assertEquals("invalid_argument", reply.json().getString("code"));
        assertEquals(404, fx.head(fx.h2, Digest.sha256(chunk)).await().status());
      }
      assertEquals(0, fx.filesUnder("chunks"));
    } finally {
      fx.stop().await();
    }
  }

  @Test
  void servesPlainZstdFramesStoredByAnOlderDistributor(Vertx vertx) throws Exception {
    byte[] chunk = TestChunks.bf16Like(MIB, 7);
    Digest digest = Digest.sha256(chunk);
    Path fanOut = dataDir.resolve("chunks").resolve(digest.hex().substring(0, 2));
    Files.createDirectories(fanOut);
    Files.write(fanOut.resolve(digest.hex() + "." + chunk.length + ".zst"),
        Zstd.compress(chunk, 3));
    DistributorFixture fx = DistributorFixture.start(vertx, dataDir).await();
    try {
      Reply get = fx.get(fx.h2, digest).await();
      assertEquals(200, get.status());
      assertEquals("zstd", get.header(ChunkHttp.CODEC_HEADER));
      assertArrayEquals(chunk, TestChunks.decode(Codec.ZSTD, get.body(), chunk.length));
      assertEquals(200, put(fx, fx.h1, chunk, "2").await().status(), "already present");
    } finally {
      fx.stop().await();
    }
  }
}
