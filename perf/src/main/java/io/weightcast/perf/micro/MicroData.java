package io.weightcast.perf.micro;

import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.synthetic.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The bytes every micro benchmark and every reference tool works on: {@link #CHUNKS} chunks of
 * {@link #CHUNK} bytes, deterministic for {@link #SEED}, so the JMH forks and {@code micro.sh}
 * (through {@link MicroSampleMain}) see exactly the same bytes. Two kinds:
 *
 * <ul>
 *   <li>{@code bf16}: the first 64 MiB of a {@link SyntheticModel} shard (safetensors header, then
 *       bf16 values drawn from N(0, 0.02)): what real weights look like to zstd;
 *   <li>{@code random}: uniformly random bytes; zstd cannot shrink them, so the codec stores them
 *       raw (its fallback path).
 * </ul>
 *
 * <p>An {@code input} parameter names the kind and the zstd level: {@code "bf16/1"},
 * {@code "random/1"}. Blocking; not thread-safe (one per benchmark state).
 */
final class MicroData {
  static final int CHUNK = 8 << 20;
  static final int CHUNKS = 8;
  static final int TOTAL = CHUNK * CHUNKS;
  static final long SEED = 20240401L;

  private MicroData() {}

  /** The 64 MiB of {@code kind} ("bf16" or "random") in a direct buffer. */
  static ByteBuffer bytes(String kind) {
    ByteBuffer out = ByteBuffer.allocateDirect(TOTAL);
    switch (kind) {
      case "bf16" -> readSyntheticShard(out);
      case "random" -> {
        byte[] b = new byte[TOTAL];
        new Random(SEED).nextBytes(b);
        out.put(b).flip();
      }
      default -> throw new IllegalArgumentException("kind must be bf16 or random, got " + kind);
    }
    return out.clear();
  }

  static String kind(String input) {
    return input.substring(0, input.indexOf('/'));
  }

  static int level(String input) {
    return Integer.parseInt(input.substring(input.indexOf('/') + 1));
  }

  /** Chunk {@code i} of {@code all}: a view of its {@link #CHUNK} bytes. */
  static ByteBuffer chunk(ByteBuffer all, int i) {
    return all.slice(i * CHUNK, CHUNK);
  }

  /** One chunk as the distributor stores it: the codec chosen and the encoded bytes (direct). */
  record Encoded(Codec codec, ByteBuffer bytes) {}

  /** Encodes every chunk of {@code all} at {@code level}, each into its own exact-size buffer. */
  static Encoded[] encodeAll(ByteBuffer all, int level) {
    ChunkCodec codec = new ChunkCodec(level);
    ByteBuffer out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(CHUNK));
    Encoded[] encoded = new Encoded[CHUNKS];
    for (int i = 0; i < CHUNKS; i++) {
      Codec chosen = codec.encode(chunk(all, i), out.clear());
      ByteBuffer copy = ByteBuffer.allocateDirect(out.remaining()).put(out);
      encoded[i] = new Encoded(chosen, copy.flip());
    }
    return encoded;
  }

  /** Writes {@code all} to {@code file} and forces it (later reads come from the page cache). */
  static void writeFile(ByteBuffer all, Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer src = all.duplicate().clear();
      while (src.hasRemaining()) {
        ch.write(src);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Deletes a directory tree (benchmark scratch space only). */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir", e);
    }
  }

  /** Generates a one-shard synthetic model a little over 64 MiB and keeps its first 64 MiB. */
  private static void readSyntheticShard(ByteBuffer out) {
    Path dir = tempDir("wc-micro-model");
    try {
      List<Path> files = SyntheticModel.write(dir, TOTAL + (1L << 20), SEED);
      try (FileChannel ch = FileChannel.open(files.get(0), StandardOpenOption.READ)) {
        if (ch.size() < TOTAL) {
          throw new IllegalStateException("synthetic shard is " + ch.size() + " bytes, need "
              + TOTAL);
        }
        while (out.hasRemaining()) {
          ch.read(out, out.position());
        }
      }
      out.flip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the synthetic shard", e);
    } finally {
      deleteTree(dir);
    }
  }
}
