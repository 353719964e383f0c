package io.weightcast.distributor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.weightcast.distributor.DistributorFixture.Reply;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HEAD and GET of chunks over HTTP/1.1 and h2c against a real server. */
@ExtendWith(VertxExtension.class)
class ChunkReadTest {
  private static final int MIB = 1 << 20;
  @TempDir Path dataDir;
  private DistributorFixture fx;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    DistributorFixture.start(vertx, dataDir).onComplete(test.succeeding(f -> {
      fx = f;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    fx.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  void headOfAbsentChunkIs404(VertxTestContext test) {
    fx.head(fx.h2, Digest.sha256(new byte[] {1})).onComplete(test.succeeding(reply ->
        test.verify(() -> {
          assertEquals(404, reply.status());
          test.completeNow();
        })));
  }

  @Test
  void getOfUnknownChunkIs404WithJsonCode(VertxTestContext test) {
    fx.get(fx.h1, Digest.sha256(new byte[] {2})).onComplete(test.succeeding(reply ->
        test.verify(() -> {
          assertEquals(404, reply.status());
          assertEquals("chunk_not_found", reply.json().getString("code"));
          test.completeNow();
        })));
  }

  @Test
  void malformedDigestIs400(VertxTestContext test) {
    fx.send(fx.h1, HttpMethod.GET, ChunkHttp.CHUNKS_PATH + "not-a-digest", Map.of(), null)
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(400, reply.status());
          assertEquals("invalid_argument", reply.json().getString("code"));
          test.completeNow();
        })));
  }

  @Test
  void zerosAreStoredAsZstdAndDecodeToTheChunkOverHttp2(VertxTestContext test) {
    roundTrip(test, fx.h2, TestChunks.zeros(2 * MIB), Codec.ZSTD);
  }

  @Test
  void bf16LikeWeightsAreStoredAsShuffle2AndDecodeToTheChunkOverHttp1(VertxTestContext test) {
    roundTrip(test, fx.h1, TestChunks.bf16Like(2 * MIB, 7), Codec.ZSTD_SHUFFLE2);
  }

  @Test
  void randomBytesAreStoredRawAndComeBackIdenticalOverHttp2(VertxTestContext test) {
    roundTrip(test, fx.h2, TestChunks.random(2 * MIB + 17, 8), Codec.RAW);
  }

  @Test
  void randomBytesComeBackIdenticalOverHttp1(VertxTestContext test) {
    roundTrip(test, fx.h1, TestChunks.random(MIB, 9), Codec.RAW);
  }

  /** PUT, then HEAD and GET on the same client: headers describe the frame, body decodes. */
  private void roundTrip(VertxTestContext test, HttpClientAgent client, byte[] chunk,
      Codec expected) {
    Digest digest = Digest.sha256(chunk);
    fx.put(client, chunk)
        .compose(put -> {
          test.verify(() -> assertEquals(201, put.status(), put.body().toString()));
          return fx.head(client, digest);
        })
        .compose(head -> {
          test.verify(() -> {
            assertEquals(200, head.status());
            assertEquals(expected.wireName(), head.header(ChunkHttp.CODEC_HEADER));
            assertEquals(chunk.length, Long.parseLong(head.header(ChunkHttp.RAW_LENGTH_HEADER)));
            assertEquals(head.header(ChunkHttp.FRAME_LENGTH_HEADER), head.header("Content-Length"));
          });
          return fx.get(client, digest);
        })
        .onComplete(test.succeeding(get -> test.verify(() -> {
          assertEquals(200, get.status());
          assertEquals("\"" + digest.hex() + "\"", get.header("ETag"));
          assertEquals(expected.wireName(), get.header(ChunkHttp.CODEC_HEADER));
          assertEquals(Long.parseLong(get.header(ChunkHttp.FRAME_LENGTH_HEADER)),
              get.body().length());
          Codec codec = Codec.fromWireName(get.header(ChunkHttp.CODEC_HEADER));
          assertArrayEquals(chunk, TestChunks.decode(codec, get.body(), chunk.length));
          test.completeNow();
        })));
  }

  @Test
  void rangeGetResumesWithTheSuffixOfTheFrame(VertxTestContext test) {
    byte[] chunk = TestChunks.bf16Like(3 * MIB, 11);
    Digest digest = Digest.sha256(chunk);
    String path = ChunkHttp.chunkPath(digest);
    fx.put(fx.h2, chunk)
        .compose(put -> fx.get(fx.h2, digest))
        .compose(full -> {
          int from = full.body().length() / 3;
          return fx.send(fx.h2, HttpMethod.GET, path, Map.of("Range", "bytes=" + from + "-"), null)
              .map(part -> new Reply[] {full, part});
        })
        .onComplete(test.succeeding(replies -> test.verify(() -> {
          Buffer full = replies[0].body();
          Reply part = replies[1];
          int from = full.length() / 3;
          assertEquals(206, part.status());
          assertEquals("bytes " + from + "-" + (full.length() - 1) + "/" + full.length(),
              part.header("Content-Range"));
          assertArrayEquals(Arrays.copyOfRange(full.getBytes(), from, full.length()),
              part.body().getBytes());
          test.completeNow();
        })));
  }

  @Test
  void rangeBeyondTheFrameIs416(VertxTestContext test) {
    byte[] chunk = TestChunks.random(4096, 12);
    String path = ChunkHttp.chunkPath(Digest.sha256(chunk));
    fx.put(fx.h1, chunk)
        .compose(put -> fx.send(fx.h1, HttpMethod.GET, path, Map.of("Range", "bytes=4096-"), null))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(416, reply.status());
          assertEquals("bytes */4096", reply.header("Content-Range"));
          test.completeNow();
        })));
  }

  @Test
  void healthAnswersUp(VertxTestContext test) {
    fx.send(fx.h1, HttpMethod.GET, "/health", Map.of(), null)
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(200, reply.status());
          assertEquals("UP", reply.json().getString("status"));
          test.completeNow();
        })));
  }
}
