package io.weightcast.protocol;

import static io.weightcast.protocol.ManifestSamples.CHUNK;
import static io.weightcast.protocol.ManifestSamples.assertInvalid;
import static io.weightcast.protocol.ManifestSamples.chunk;
import static io.weightcast.protocol.ManifestSamples.file;
import static io.weightcast.protocol.ManifestSamples.manifest;
import static io.weightcast.protocol.ManifestSamples.tiled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Names, chunk size and tiling rules of a manifest (protocol/README.md). */
class ManifestRulesTest {

  @Test
  void acceptsShortLastChunkAndEmptyFile() {
    Manifest m = manifest(tiled("empty", 0), tiled("w.bin", 3 * CHUNK + 17));
    assertEquals(3 * CHUNK + 17, m.totalBytes());
    assertEquals(4, m.chunkCount());
    assertEquals(17, m.files().get(1).chunks().get(3).length());
    assertEquals("llama/v1", m.id());
  }

  @Test
  void countsEachDistinctChunkOnce() {
    ChunkSpec a = chunk(0, 0, CHUNK);
    FileEntry twice = new FileEntry("twice", 2 * CHUNK, a.digest(),
        List.of(a, new ChunkSpec(1, CHUNK, CHUNK, a.digest())));
    Manifest m = manifest(twice, new FileEntry("again", CHUNK, a.digest(), List.of(a)));
    assertEquals(3, m.chunkCount());
    assertEquals(1, m.distinctChunks().size());
    assertEquals(CHUNK, m.distinctChunks().get(a.digest()));
  }

  @Test
  void copiesTheFileList() {
    ArrayList<FileEntry> files = new ArrayList<>(List.of(tiled("a", 1)));
    Manifest m = new Manifest("m", "v", CHUNK, files);
    files.add(tiled("b", 1));
    assertEquals(1, m.files().size());
    assertThrows(UnsupportedOperationException.class, () -> m.files().add(tiled("c", 1)));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {".", "..", "a/b", "a b", "llama:3", "ünï", "a\nb"})
  void rejectsBadModelName(String model) {
    assertInvalid(() -> new Manifest(model, "v1", CHUNK, List.of()), "model must be");
  }

  @Test
  void rejectsModelNameLongerThan128() {
    new Manifest("m".repeat(128), "v1", CHUNK, List.of());
    assertInvalid(() -> new Manifest("m".repeat(129), "v1", CHUNK, List.of()), "model must be");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Llama-3.1_8B", ".hidden-model", "a", "0"})
  void acceptsGoodModelName(String model) {
    assertEquals(model, new Manifest(model, "v1", CHUNK, List.of()).model());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {".", "..", "v/1", "v 1", "v1+build"})
  void rejectsBadVersionName(String version) {
    assertInvalid(() -> new Manifest("m", version, CHUNK, List.of()), "version must be");
  }

  @Test
  void rejectsVersionNamedCurrent() {
    assertInvalid(() -> new Manifest("m", "current", CHUNK, List.of()), "'current'");
  }

  @Test
  void rejectsVersionStartingWithDot() {
    assertInvalid(() -> new Manifest("m", ".v1", CHUNK, List.of()), "start with '.'", ".v1");
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 0, 4095, 256L * 1024 * 1024 + 1, Long.MAX_VALUE})
  void rejectsChunkSizeOutOfBounds(long chunkSize) {
    assertInvalid(() -> new Manifest("m", "v", chunkSize, List.of()), "chunk_size must be in",
        String.valueOf(chunkSize));
  }

  @ParameterizedTest
  @ValueSource(longs = {4096, 8L * 1024 * 1024, 256L * 1024 * 1024})
  void acceptsChunkSizeWithinBounds(long chunkSize) {
    assertEquals(chunkSize, new Manifest("m", "v", chunkSize, List.of()).chunkSize());
  }

  @Test
  void rejectsGapBetweenChunks() {
    assertInvalid(() -> manifest(file("w", 2 * CHUNK, chunk(0, 0, CHUNK - 1),
        chunk(1, CHUNK, CHUNK))), "do not tile", "'w'", "starts at " + CHUNK,
        "expected " + (CHUNK - 1));
  }

  @Test
  void rejectsOverlappingChunks() {
    assertInvalid(() -> manifest(file("w", 2 * CHUNK, chunk(0, 0, CHUNK),
        chunk(1, CHUNK - 1, CHUNK))), "do not tile", "'w'", "starts at " + (CHUNK - 1));
  }

  @Test
  void rejectsFirstChunkNotAtZero() {
    assertInvalid(() -> manifest(file("w", 10, chunk(0, 1, 9))), "do not tile", "expected 0");
  }

  @Test
  void rejectsChunksCoveringLessThanTheFile() {
    assertInvalid(() -> manifest(file("w", CHUNK + 5, chunk(0, 0, CHUNK))),
        "cover " + CHUNK + " bytes but the file has " + (CHUNK + 5));
  }

  @Test
  void rejectsNonEmptyFileWithoutChunks() {
    assertInvalid(() -> manifest(file("w", 1)), "cover 0 bytes but the file has 1");
  }

  @Test
  void rejectsChunksCoveringMoreThanTheFile() {
    assertInvalid(() -> manifest(file("w", CHUNK + 5, chunk(0, 0, CHUNK),
        chunk(1, CHUNK, CHUNK))), "cover " + 2 * CHUNK + " bytes but the file has " + (CHUNK + 5));
  }

  @Test
  void rejectsWrongChunkIndex() {
    assertInvalid(() -> manifest(file("w", 2 * CHUNK, chunk(0, 0, CHUNK),
        chunk(2, CHUNK, CHUNK))), "chunk index 2", "'w'", "should be 1");
    assertInvalid(() -> manifest(file("w", CHUNK, chunk(1, 0, CHUNK))), "chunk index 1",
        "should be 0");
  }

  @Test
  void rejectsChunkLongerThanChunkSize() {
    assertInvalid(() -> manifest(file("w", CHUNK + 1, chunk(0, 0, CHUNK + 1))),
        "chunk 0 of 'w' is " + (CHUNK + 1) + " bytes, larger than chunk_size " + CHUNK);
  }

  @Test
  void rejectsBadChunkFields() {
    Digest d = ManifestSamples.digestOf("x");
    assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(-1, 0, 1, d));
    assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(0, -1, 1, d));
    assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(0, 0, 0, d));
    assertThrows(IllegalArgumentException.class,
        () -> new ChunkSpec(0, 0, 1L + Integer.MAX_VALUE, d));
    assertThrows(NullPointerException.class, () -> new ChunkSpec(0, 0, 1, null));
    assertThrows(IllegalArgumentException.class,
        () -> new FileEntry("w", -1, d, List.of()));
  }
}
