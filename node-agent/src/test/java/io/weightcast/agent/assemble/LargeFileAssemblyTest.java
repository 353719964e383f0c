package io.weightcast.agent.assemble;

import static io.weightcast.agent.assemble.AssemblyFixture.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file larger than one mapping can cover (2 GiB + 3 MiB). Writing all of it would cost seconds of
 * disk time, so only the last chunks are written (one of them straddles 2^31) and read back at
 * their offsets; the journal reports every other chunk missing.
 */
class LargeFileAssemblyTest {
  private static final long CHUNK = 3L * 1024 * 1024;
  private static final long SIZE = (1L << 31) + CHUNK;

  @TempDir Path tmp;

  @Test
  void writesChunksBeyondTwoGibAtTheirOffsets() throws IOException {
    int chunkCount = (int) ((SIZE + CHUNK - 1) / CHUNK);
    Map<Integer, byte[]> written = new TreeMap<>();
    Random rnd = new Random(11);
    Digest zeros = Digest.sha256(new byte[(int) CHUNK]);
    List<ChunkSpec> chunks = new ArrayList<>();
    for (int i = 0; i < chunkCount; i++) {
      long offset = i * CHUNK;
      long length = Math.min(CHUNK, SIZE - offset);
      Digest digest = zeros;
      if (i >= chunkCount - 3) {
        byte[] content = AssemblyFixture.random(rnd, (int) length);
        written.put(i, content);
        digest = Digest.sha256(content);
      }
      chunks.add(new ChunkSpec(i, offset, length, digest));
    }
    ChunkSpec straddling = chunks.get(chunkCount - 2);
    assertTrue(straddling.offset() < (1L << 31) && straddling.end() > (1L << 31));
    Manifest manifest = new Manifest(MODEL, "big", CHUNK,
        List.of(new FileEntry("weights.bin", SIZE, zeros, chunks)));
    Path data = tmp.resolve("data");

    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      for (Map.Entry<Integer, byte[]> e : written.entrySet()) {
        AssemblyFixture.Encoded enc = AssemblyFixture.encode(
            ByteBuffer.allocateDirect(e.getValue().length).put(e.getValue()).flip());
        assertTrue(assembly.writeChunk(assembly.location(0, e.getKey()), enc.codec(),
            enc.bytes()));
      }
    }
    Path staged = new DataLayout(data).stagingDir(MODEL, "big").resolve("weights.bin");
    assertEquals(SIZE, Files.size(staged));
    try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.READ)) {
      for (Map.Entry<Integer, byte[]> e : written.entrySet()) {
        ByteBuffer back = ByteBuffer.allocate(e.getValue().length);
        ch.read(back, chunks.get(e.getKey()).offset());
        assertArrayEquals(e.getValue(), back.array(), "chunk " + e.getKey());
      }
    }
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertEquals(3, assembly.doneChunks());
      assertEquals(chunkCount - 3, assembly.missingChunks().size());
      assertEquals(written.keySet().stream().mapToLong(i -> chunks.get(i).length()).sum(),
          assembly.doneBytes());
    }
  }
}
