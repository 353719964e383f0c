package io.weightcast.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.testing.ExternalTools;
import io.weightcast.protocol.testing.ModelFixture;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chunking rule and the digests it produces, checked against independent computations. */
class ChunkerTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} bytes, chunk size {1}")
  @CsvSource({
      "0, 4096",
      "1, 4096",
      "4096, 4096",
      "4097, 4096",
      "16411, 4096",
      "12297, 4099",
      "1048576, 65536",
      "1048577, 1048576",
      "3145741, 1048576",
      "5242883, 2097152"})
  void cutsFilesIntoChunksWhoseDigestsMatchTheSlices(int size, long chunkSize) throws Exception {
    byte[] data = randomBytes(size, size);
    Path file = Files.write(dir.resolve("w.bin"), data);
    AtomicLong hashed = new AtomicLong();

    FileEntry entry = new Chunker(chunkSize).chunkFile("w.bin", file, hashed::addAndGet);

    assertEquals("w.bin", entry.path());
    assertEquals(size, entry.size());
    assertEquals(size, hashed.get());
    assertEquals(sha256(data, 0, size), entry.digest().hex());
    int expectedChunks = (int) ((size + chunkSize - 1) / chunkSize);
    assertEquals(expectedChunks, entry.chunks().size());
    for (int i = 0; i < expectedChunks; i++) {
      ChunkSpec c = entry.chunks().get(i);
      long from = i * chunkSize;
      long to = Math.min(from + chunkSize, size);
      assertEquals(i, c.index());
      assertEquals(from, c.offset());
      assertEquals(to - from, c.length());
      assertEquals(sha256(data, (int) from, (int) to), c.digest().hex(), "chunk " + i);
    }
    new Manifest("m", "v", chunkSize, List.of(entry));
  }

  @Test
  void emptyFileHasNoChunksAndTheEmptyDigest() throws Exception {
    Path file = Files.createFile(dir.resolve("empty"));
    FileEntry entry = new Chunker(4096).chunkFile("empty", file, n -> { });
    assertEquals(0, entry.size());
    assertEquals(List.of(), entry.chunks());
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        entry.digest().hex());
  }

  @Test
  void identicalSlicesShareAChunkDigest() throws Exception {
    byte[] half = randomBytes(4096, 7);
    byte[] data = new byte[8192];
    System.arraycopy(half, 0, data, 0, 4096);
    System.arraycopy(half, 0, data, 4096, 4096);
    FileEntry entry = new Chunker(4096).chunkFile("d", Files.write(dir.resolve("d"), data),
        n -> { });
    assertEquals(entry.chunks().get(0).digest(), entry.chunks().get(1).digest());
  }

  @Test
  void fileDigestMatchesSha256sumCommand() throws Exception {
    Assumptions.assumeTrue(ExternalTools.available("sha256sum"), "sha256sum not installed");
    Path file = Files.write(dir.resolve("x y.bin"), randomBytes(3 * MIB + 5, 11));
    FileEntry entry = new Chunker(MIB).chunkFile("x y.bin", file, n -> { });
    String out = new String(ExternalTools.run(new byte[0], "sha256sum", file.toString()),
        StandardCharsets.US_ASCII);
    assertEquals(out.substring(0, 64), entry.digest().hex());
  }

  @Test
  void lastChunkDigestMatchesSha256sumOfTheTail() throws Exception {
    Assumptions.assumeTrue(ExternalTools.available("sha256sum"), "sha256sum not installed");
    byte[] data = randomBytes(2 * 4096 + 3, 13);
    FileEntry entry = new Chunker(4096).chunkFile("t", Files.write(dir.resolve("t"), data),
        n -> { });
    byte[] tail = Arrays.copyOfRange(data, 8192, data.length);
    String out = new String(ExternalTools.run(tail, "sha256sum"), StandardCharsets.US_ASCII);
    assertEquals(out.substring(0, 64), entry.chunks().get(2).digest().hex());
  }

  @Test
  void buildsAManifestOfTheScannedFilesInPathOrder() throws Exception {
    List<Path> written = ModelFixture.write(dir.resolve("model"), 3 * MIB, 42);
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(dir.resolve("model"));
    AtomicLong hashed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Manifest m = new Chunker(256 * 1024).manifest("fixture", "v1", files, pool,
          hashed::addAndGet);
      assertEquals(written.size(), m.files().size());
      long total = 0;
      for (int i = 0; i < files.size(); i++) {
        FileEntry f = m.files().get(i);
        assertEquals(files.get(i).relativePath(), f.path());
        assertEquals(Files.size(written.get(i)), f.size());
        assertEquals(sha256(Files.readAllBytes(written.get(i))), f.digest().hex());
        total += f.size();
      }
      assertEquals(total, m.totalBytes());
      assertEquals(total, hashed.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void propagatesReadFailureUnwrapped() throws Exception {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    Files.write(model.resolve("a"), new byte[10]);
    Path gone = Files.write(model.resolve("b"), new byte[10]);
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(model);
    Files.delete(gone);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new Chunker(4096).manifest("m", "v", files, Runnable::run, n -> { }));
    assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
  }

  @Test
  void refusesChunkSizeOutOfBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Chunker(Manifest.MIN_CHUNK_SIZE - 1));
    assertThrows(IllegalArgumentException.class, () -> new Chunker(Manifest.MAX_CHUNK_SIZE + 1));
    assertEquals(Manifest.MIN_CHUNK_SIZE, new Chunker(Manifest.MIN_CHUNK_SIZE).chunkSize());
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static String sha256(byte[] data) throws Exception {
    return sha256(data, 0, data.length);
  }

  private static String sha256(byte[] data, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(data, from, to - from);
    return HexFormat.of().formatHex(md.digest());
  }
}
