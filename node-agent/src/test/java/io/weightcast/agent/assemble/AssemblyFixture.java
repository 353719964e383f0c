package io.weightcast.agent.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Source trees, manifests and encoded chunks for assembly tests. */
final class AssemblyFixture {
  static final String MODEL = "llama-test";
  static final long CHUNK = 64 * 1024;
  private static final ChunkCodec CODEC = new ChunkCodec();

  /** A chunk as a distributor would send it. */
  record Encoded(Codec codec, ByteBuffer bytes) {
    /** A copy with one byte flipped (still a direct buffer). */
    Encoded corrupted() {
      ByteBuffer copy = ByteBuffer.allocateDirect(bytes.remaining()).put(bytes.duplicate()).flip();
      int at = copy.limit() / 2;
      copy.put(at, (byte) (copy.get(at) ^ 0x5A));
      return new Encoded(codec, copy);
    }
  }

  private AssemblyFixture() {}

  /**
   * A model tree mixing random (stored raw) and compressible (stored zstd) files, a nested path,
   * an empty file, a file shorter than a chunk and a duplicate of another file.
   */
  static Path sourceTree(Path dir, long seed) throws IOException {
    Random rnd = new Random(seed);
    write(dir.resolve("config.json"), text(1_000, "{\"layers\": 32, \"seed\": " + seed + "}\n"));
    write(dir.resolve("model-00001.safetensors"), random(rnd, 5 * (int) CHUNK + 7));
    write(dir.resolve("model-00002.safetensors"), text(3 * (int) CHUNK + 4_097, "bf16 0x3f80 "));
    write(dir.resolve("nested/dir/tokenizer.bin"), random(rnd, 5));
    write(dir.resolve("empty.txt"), new byte[0]);
    Files.copy(dir.resolve("model-00001.safetensors"), dir.resolve("copy.safetensors"));
    return dir;
  }

  static Manifest manifest(Path source, String version) {
    return new Chunker(CHUNK).manifest(MODEL, version, ModelDirectory.scan(source), Runnable::run,
        n -> { });
  }

  /** A valid manifest whose files are never written (sizes only; digests are made up). */
  static Manifest syntheticManifest(String version, long chunkSize, long... sizes) {
    List<FileEntry> files = new ArrayList<>();
    for (int f = 0; f < sizes.length; f++) {
      List<ChunkSpec> chunks = new ArrayList<>();
      for (long off = 0; off < sizes[f]; off += chunkSize) {
        long len = Math.min(chunkSize, sizes[f] - off);
        chunks.add(new ChunkSpec(chunks.size(), off, len, Digest.sha256(bytes(f + ":" + off))));
      }
      files.add(new FileEntry("file-" + f + ".bin", sizes[f], Digest.sha256(bytes("f" + f)),
          chunks));
    }
    return new Manifest(MODEL, version, chunkSize, files);
  }

  /** Every chunk location of the manifest, in manifest order. */
  static List<ChunkLocation> locations(Manifest m) {
    List<ChunkLocation> out = new ArrayList<>();
    for (int f = 0; f < m.files().size(); f++) {
      FileEntry file = m.files().get(f);
      for (ChunkSpec chunk : file.chunks()) {
        out.add(new ChunkLocation(f, file, chunk));
      }
    }
    return out;
  }

  /** Reads the chunk's bytes from the source tree and encodes them as the distributor would. */
  static Encoded encode(Path source, ChunkLocation at) {
    int len = (int) at.chunk().length();
    ByteBuffer raw = ByteBuffer.allocateDirect(len);
    try (FileChannel ch = FileChannel.open(source.resolve(at.file().path()),
        StandardOpenOption.READ)) {
      while (raw.hasRemaining()) {
        ch.read(raw, at.chunk().offset() + raw.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return encode(raw.flip());
  }

  static Encoded encode(ByteBuffer raw) {
    ByteBuffer out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(raw.remaining()));
    Codec codec = CODEC.encode(raw, out);
    return new Encoded(codec, out);
  }

  /** Asserts that both trees hold the same regular files with the same bytes. */
  static void assertSameTree(Path expected, Path actual) throws IOException {
    List<Path> want = files(expected);
    assertEquals(want.stream().map(expected::relativize).toList(),
        files(actual).stream().map(actual::relativize).toList());
    for (Path p : want) {
      assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(actual.resolve(
          expected.relativize(p))), "content of " + p);
    }
  }

  static byte[] random(Random rnd, int size) {
    byte[] b = new byte[size];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] text(int size, String unit) {
    byte[] u = bytes(unit);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = u[i % u.length];
    }
    return b;
  }

  private static void write(Path p, byte[] content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
