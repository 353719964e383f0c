package io.weightcast.agent.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.AgentMetrics;
import io.weightcast.agent.fetch.BufferPool;
import io.weightcast.agent.fetch.ChunkFetcher;
import io.weightcast.agent.fetch.FetchedChunk;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.ChunkHttp.AcceptEncoded;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer asked for the encoded frame (it fetches across a rack uplink) gets the chunk encoded with
 * the codec its manifest records, smaller than raw, decoding to the held bytes; asked without the
 * header, or for a chunk recorded raw, it gets the raw bytes. Asked for a frame only if held (a
 * rack-mate), it answers raw until it keeps one (here: the one it encoded), then that frame. A
 * chunk whose version was published under it is read from its new place.
 * Real HTTP/2 server and fetcher on loopback, a real file.
 */
@ExtendWith(VertxExtension.class)
class PeerEncodedServeTest {
  /** 4 MiB: the encoded frame is larger than one HTTP/2 frame (1 MiB). */
  private static final int LENGTH = 4 << 20;
  @TempDir Path dir;

  @Test
  void aPeerAcrossTheUplinkGetsTheEncodedFrameOthersGetRawBytes(Vertx vertx) throws Exception {
    ByteBuffer bf16 = ByteBuffer.allocate(2 * LENGTH);
    ModelFixture.fillBf16(bf16, new Random(3));
    byte[] bytes = bf16.array();
    Path file = dir.resolve("w.bin");
    Files.write(file, bytes);
    ChunkSpec weights = new ChunkSpec(0, 0, LENGTH, sha(bytes, 0))
        .withEncoding(new ChunkEncoding(Codec.ZSTD_SHUFFLE2, LENGTH / 2));
    ChunkSpec recordedRaw = new ChunkSpec(1, LENGTH, LENGTH, sha(bytes, LENGTH));
    HeldChunks held = new HeldChunks(new io.weightcast.agent.assemble.DataLayout(dir));
    held.addStaged(weights, file);
    held.addStaged(recordedRaw, file);
    WorkerExecutor disk = vertx.createSharedWorkerExecutor("peer-encode-test", 1);
    RecentFrames frames = new RecentFrames(64L << 20);
    AgentChunkServer server = new AgentChunkServer(held, frames, new AgentMetrics(dir, disk),
        BandwidthLimiter.UNLIMITED);
    ControlPlaneFixture.onContext(vertx, () -> server.listen(vertx, "127.0.0.1", 0)).await();
    String url = "http://127.0.0.1:" + server.actualPort();
    ChunkFetcher fetcher = ControlPlaneFixture.onContext(vertx,
        () -> io.vertx.core.Future.succeededFuture(
            new ChunkFetcher(vertx, new BufferPool(2), 2, 10_000))).await();
    try {
      assertEquals(LENGTH, fetch(vertx, fetcher, url, weights, AcceptEncoded.IF_HELD, Codec.RAW)
          .length, "no frame kept yet: a rack-mate gets raw bytes, no encode spent");
      assertEquals(0, frames.bytes());
      byte[] encoded = fetch(vertx, fetcher, url, weights, AcceptEncoded.YES,
          Codec.ZSTD_SHUFFLE2);
      assertTrue(encoded.length < LENGTH * 0.8, "bf16 encoded to " + encoded.length + " of "
          + LENGTH + " bytes");
      ByteBuffer frame = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
      ByteBuffer decoded = ByteBuffer.allocateDirect(LENGTH);
      ChunkCodec.decode(Codec.ZSTD_SHUFFLE2, frame, decoded, LENGTH);
      byte[] back = new byte[LENGTH];
      decoded.clear().get(back);
      assertArrayEquals(java.util.Arrays.copyOf(bytes, LENGTH), back);
      assertEquals(encoded.length, frames.bytes(), "the encoded frame is kept");
      assertArrayEquals(encoded, fetch(vertx, fetcher, url, weights, AcceptEncoded.IF_HELD,
          Codec.ZSTD_SHUFFLE2), "a rack-mate now gets the kept frame");
      assertEquals(LENGTH, fetch(vertx, fetcher, url, weights, AcceptEncoded.NO, Codec.RAW)
          .length, "without the header: raw");
      assertEquals(LENGTH, fetch(vertx, fetcher, url, recordedRaw, AcceptEncoded.YES, Codec.RAW)
          .length, "a chunk recorded raw is served raw");
    } finally {
      ControlPlaneFixture.onContext(vertx, () -> fetcher.close().compose(v -> server.close()))
          .await();
      disk.close().await();
    }
  }

  /**
   * The version is published (its staging directory renamed into models/) after the chunk was
   * looked up at its staged place and before it is read: the chunk is read from its new place,
   * not answered 404.
   */
  @Test
  void aChunkWhoseVersionWasPublishedUnderItIsServedFromItsNewPlace(Vertx vertx)
      throws Exception {
    io.weightcast.agent.assemble.DataLayout layout = new io.weightcast.agent.assemble.DataLayout(dir);
    byte[] bytes = new byte[LENGTH];
    new Random(5).nextBytes(bytes);
    Path staged = layout.stagingDir("m", "v1").resolve("w.bin");
    Files.createDirectories(staged.getParent());
    Files.write(staged, bytes);
    ChunkSpec chunk = new ChunkSpec(0, 0, LENGTH, sha(bytes, 0));
    HeldChunks held = new HeldChunks(layout);
    held.addStaged(chunk, staged);
    Files.createDirectories(layout.modelDir("m"));
    Files.move(layout.stagingDir("m", "v1"), layout.versionDir("m", "v1"));
    WorkerExecutor disk = vertx.createSharedWorkerExecutor("staged-serve-test", 1);
    AgentChunkServer server = new AgentChunkServer(held, new AgentMetrics(dir, disk));
    ControlPlaneFixture.onContext(vertx, () -> server.listen(vertx, "127.0.0.1", 0)).await();
    ChunkFetcher fetcher = ControlPlaneFixture.onContext(vertx,
        () -> io.vertx.core.Future.succeededFuture(
            new ChunkFetcher(vertx, new BufferPool(2), 2, 10_000))).await();
    try {
      assertArrayEquals(bytes, fetch(vertx, fetcher, "http://127.0.0.1:" + server.actualPort(),
          chunk, AcceptEncoded.NO, Codec.RAW));
    } finally {
      ControlPlaneFixture.onContext(vertx, () -> fetcher.close().compose(v -> server.close()))
          .await();
      disk.close().await();
    }
  }

  private static byte[] fetch(Vertx vertx, ChunkFetcher fetcher, String url, ChunkSpec chunk,
      AcceptEncoded encoded, Codec expected) {
    FetchedChunk got = ControlPlaneFixture.onContext(vertx,
        () -> fetcher.fetch(url, chunk.digest(), (int) chunk.length(), encoded)).await();
    try {
      assertEquals(expected, got.codec(), "codec of " + chunk.index());
      byte[] out = new byte[got.frame().remaining()];
      got.frame().duplicate().get(out);
      return out;
    } finally {
      fetcher.release(got);
    }
  }

  private static Digest sha(byte[] bytes, int offset) {
    return Digest.sha256(ByteBuffer.wrap(bytes, offset, LENGTH));
  }
}
