package io.weightcast.distributor.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.weightcast.distributor.TestChunks;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.codec.ElementWidth;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidArgument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store without an event loop: verify, encode once, publish atomically, re-index. */
class DiskChunkStoreTest {
  @TempDir Path dataDir;
  private DiskChunkStore store;

  @BeforeEach
  void open() throws IOException {
    store = DiskChunkStore.open(dataDir, 1);
  }

  private Path stage(byte[] chunk) throws IOException {
    Path staged = store.newStagingPath(Digest.sha256(chunk));
    Files.write(staged, chunk);
    return staged;
  }

  private long files(String sub) throws IOException {
    try (Stream<Path> s = Files.walk(dataDir.resolve(sub))) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void bf16ChunkIsPublishedAsShuffle2FrameThatDecodesToIt() throws IOException {
    byte[] chunk = TestChunks.bf16Like(1 << 20, 1);
    Digest digest = Digest.sha256(chunk);
    assertEquals(IngestResult.STORED, store.ingest(stage(chunk), digest, chunk.length));
    StoredChunk stored = store.locate(digest).orElseThrow();
    assertEquals(Codec.ZSTD_SHUFFLE2, stored.codec());
    assertEquals(digest.hex() + "." + chunk.length + ".s2.zst",
        stored.path().getFileName().toString());
    assertEquals(chunk.length, stored.rawLength());
    assertEquals(Files.size(stored.path()), stored.frameLength());
    assertEquals(dataDir.resolve("chunks").resolve(digest.hex().substring(0, 2)),
        stored.path().getParent());
    byte[] frame = Files.readAllBytes(stored.path());
    assertArrayEquals(chunk, TestChunks.decode(stored.codec(), Buffer.buffer(frame),
        chunk.length));
    assertEquals(0, files("staging"));
  }

  @Test
  void anElementWidthHintLimitsTheCodecsTried() throws IOException {
    byte[] bf16 = TestChunks.bf16Like(1 << 20, 7);
    store.ingest(stage(bf16), Digest.sha256(bf16), bf16.length, Optional.of(ElementWidth.ONE));
    assertEquals(Codec.ZSTD, store.locate(Digest.sha256(bf16)).orElseThrow().codec());
    byte[] fp32 = TestChunks.fp32Like(1 << 20, 8);
    store.ingest(stage(fp32), Digest.sha256(fp32), fp32.length, Optional.of(ElementWidth.FOUR));
    StoredChunk stored = store.locate(Digest.sha256(fp32)).orElseThrow();
    assertEquals(Codec.ZSTD_SHUFFLE4, stored.codec());
    assertTrue(stored.path().getFileName().toString().endsWith(".s4.zst"));
    assertArrayEquals(fp32, TestChunks.decode(Codec.ZSTD_SHUFFLE4,
        Buffer.buffer(Files.readAllBytes(stored.path())), fp32.length));
  }

  @Test
  void reopenIndexesFramesOfEveryCodecFromTheirNames() throws IOException {
    byte[] zeros = TestChunks.zeros(40_000);
    byte[] bf16 = TestChunks.bf16Like(1 << 20, 9);
    byte[] fp32 = TestChunks.fp32Like(1 << 20, 10);
    byte[] random = TestChunks.random(3_000, 11);
    for (byte[] c : List.of(zeros, bf16, fp32, random)) {
      store.ingest(stage(c), Digest.sha256(c), c.length);
    }
    DiskChunkStore reopened = DiskChunkStore.open(dataDir, 1);
    List<Codec> codecs = Stream.of(zeros, bf16, fp32, random)
        .map(c -> reopened.locate(Digest.sha256(c)).orElseThrow().codec()).toList();
    assertEquals(List.of(Codec.ZSTD, Codec.ZSTD_SHUFFLE2, Codec.ZSTD_SHUFFLE4, Codec.RAW), codecs);
    for (byte[] c : List.of(zeros, bf16, fp32, random)) {
      assertEquals(store.locate(Digest.sha256(c)), reopened.locate(Digest.sha256(c)));
    }
  }

  @Test
  void incompressibleChunkIsPublishedRaw() throws IOException {
    byte[] chunk = TestChunks.random(100_000, 2);
    Digest digest = Digest.sha256(chunk);
    store.ingest(stage(chunk), digest, chunk.length);
    StoredChunk stored = store.locate(digest).orElseThrow();
    assertEquals(Codec.RAW, stored.codec());
    assertEquals(digest.hex() + ".raw", stored.path().getFileName().toString());
    assertArrayEquals(chunk, Files.readAllBytes(stored.path()));
    assertEquals(0, files("staging"));
  }

  @Test
  void digestMismatchThrowsAndLeavesNothingBehind() throws IOException {
    byte[] chunk = TestChunks.random(4096, 3);
    Digest other = Digest.sha256(new byte[] {1});
    Path staged = stage(chunk);
    assertThrows(DigestMismatch.class, () -> store.ingest(staged, other, chunk.length));
    assertFalse(store.contains(other));
    assertEquals(0, files("chunks"));
    assertEquals(0, files("staging"));
  }

  @Test
  void wrongLengthThrowsAndLeavesNothingBehind() throws IOException {
    byte[] chunk = TestChunks.random(4096, 4);
    Path staged = stage(chunk);
    assertThrows(DigestMismatch.class,
        () -> store.ingest(staged, Digest.sha256(chunk), chunk.length + 1));
    assertEquals(0, files("chunks"));
    assertEquals(0, files("staging"));
  }

  @Test
  void ingestOfStoredChunkIsAlreadyPresentAndConsumesTheStagedFile() throws IOException {
    byte[] chunk = TestChunks.zeros(8192);
    Digest digest = Digest.sha256(chunk);
    store.ingest(stage(chunk), digest, chunk.length);
    assertEquals(IngestResult.ALREADY_PRESENT, store.ingest(stage(chunk), digest, chunk.length));
    assertEquals(1, files("chunks"));
    assertEquals(0, files("staging"));
  }

  @Test
  void emptyChunkIsRejectedAndItsStagedFileRemoved() throws IOException {
    byte[] chunk = new byte[0];
    Path staged = stage(chunk);
    assertThrows(InvalidArgument.class, () -> store.ingest(staged, Digest.sha256(chunk), 0));
    assertEquals(0, files("staging"));
  }

  @Test
  void reopenIndexesPublishedChunksAndEmptiesStaging() throws IOException {
    byte[] zstd = TestChunks.zeros(50_000);
    byte[] raw = TestChunks.random(50_000, 5);
    store.ingest(stage(zstd), Digest.sha256(zstd), zstd.length);
    store.ingest(stage(raw), Digest.sha256(raw), raw.length);
    Files.write(dataDir.resolve("staging").resolve("leftover.upload"), new byte[10]);
    Files.createDirectories(dataDir.resolve("chunks/ab"));
    Files.write(dataDir.resolve("chunks/ab/not-a-chunk.tmp"), new byte[1]);

    DiskChunkStore reopened = DiskChunkStore.open(dataDir, 1);
    assertEquals(2, reopened.size());
    assertEquals(store.locate(Digest.sha256(zstd)), reopened.locate(Digest.sha256(zstd)));
    assertEquals(store.locate(Digest.sha256(raw)), reopened.locate(Digest.sha256(raw)));
    assertEquals(0, files("staging"));
  }

  @Test
  void missingListsAbsentDigestsOnceInRequestOrder() throws IOException {
    byte[] chunk = TestChunks.random(1000, 6);
    Digest present = Digest.sha256(chunk);
    store.ingest(stage(chunk), present, chunk.length);
    Digest a = Digest.sha256(new byte[] {1});
    Digest b = Digest.sha256(new byte[] {2});
    assertEquals(List.of(b, a), store.missing(List.of(b, present, a, b)));
    assertTrue(store.missing(List.of(present)).isEmpty());
  }
}
