package io.weightcast.protocol.testing;

import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * Writes a fake Hugging Face style model directory: {@code config.json} and a few
 * {@code model-0000i-of-0000N.safetensors} shards holding BF16 tensors drawn from N(0, 0.02).
 *
 * <p>Each shard is a valid safetensors file: an 8-byte little-endian header length, a JSON header
 * ({@code dtype}, {@code shape}, {@code data_offsets} per tensor, padded with spaces), then the
 * tensor bytes. The header is padded to an odd length, so every shard has an odd size and its
 * last chunk is odd-sized for any even chunk size. Deterministic for a given (totalBytes, seed);
 * generated in 1 MiB blocks, so memory stays flat whatever the size.
 */
public final class ModelFixture {
  /** Columns of every 2-D tensor; a tensor row is 512 bytes. */
  public static final int HIDDEN = 256;
  private static final int MAX_ROWS = 1024;
  private static final int BLOCK = 1 << 20;
  private static final double WEIGHT_STD = 0.02;
  private static final long MIN_TOTAL = 4096;
  /** 65536 draws of N(0, WEIGHT_STD^2) as BF16, from a fixed seed. */
  private static final short[] NORMAL_BF16 = normalTable();

  private ModelFixture() {}

  /**
   * Writes about {@code totalBytes} (within a few KiB) into {@code dir}, creating it if needed.
   * Returns the written files sorted by name: {@code config.json}, then the shards.
   */
  public static List<Path> write(Path dir, long totalBytes, long seed) {
    if (totalBytes < MIN_TOTAL) {
      throw new IllegalArgumentException("totalBytes must be >= " + MIN_TOTAL + ", got "
          + totalBytes);
    }
    try {
      Files.createDirectories(dir);
      List<Path> out = new ArrayList<>();
      out.add(writeConfig(dir));
      long[] budgets = shardBudgets(totalBytes);
      Random random = new Random(seed);
      int firstLayer = 0;
      for (int i = 0; i < budgets.length; i++) {
        String name = String.format("model-%05d-of-%05d.safetensors", i + 1, budgets.length);
        List<Tensor> tensors = layout(budgets[i], firstLayer);
        firstLayer += tensors.size();
        out.add(writeShard(dir.resolve(name), tensors, random));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fixture into " + dir, e);
    }
  }

  /**
   * Scans {@code dir} and chunks it at fixed offsets (so every shard ends in an odd-sized chunk,
   * which the tests rely on); tensor-aware chunking has its own tests (TensorChunkPlanTest).
   */
  public static Manifest manifestOf(Path dir, String model, String version, long chunkSize) {
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(dir);
    return new Chunker(chunkSize, Chunker.Mode.FIXED).manifest(model, version, files, ForkJoinPool.commonPool(),
        n -> { });
  }

  /**
   * Fills the remaining bytes of {@code out} (an even count) with little-endian BF16 values drawn
   * from N(0, 0.02^2), as trained weights look. Leaves the position at the limit.
   *
   * <p>Speed: each value is one of 65536 normal draws made once ({@link #NORMAL_BF16}), picked by
   * 16 bits of {@code random}; ~10x faster than a {@code nextGaussian()} per value.
   */
  public static void fillBf16(ByteBuffer out, Random random) {
    if (out.remaining() % 2 != 0) {
      throw new IllegalArgumentException("BF16 needs an even byte count, got " + out.remaining());
    }
    ByteOrder order = out.order();
    out.order(ByteOrder.LITTLE_ENDIAN);
    while (out.remaining() >= 4) {
      int bits = random.nextInt();
      out.putShort(NORMAL_BF16[bits & 0xFFFF]).putShort(NORMAL_BF16[bits >>> 16]);
    }
    if (out.hasRemaining()) {
      out.putShort(NORMAL_BF16[random.nextInt() & 0xFFFF]);
    }
    out.order(order);
  }

  /** {@code length} bytes of BF16-like data (an odd length ends with one extra random byte). */
  public static byte[] bf16Bytes(int length, long seed) {
    Random random = new Random(seed);
    ByteBuffer buf = ByteBuffer.allocate(length);
    buf.limit(length & ~1);
    fillBf16(buf, random);
    if (length % 2 != 0) {
      buf.limit(length).put((byte) random.nextInt());
    }
    return buf.array();
  }

  private static short[] normalTable() {
    Random random = new Random(0x5EED);
    short[] table = new short[1 << 16];
    for (int i = 0; i < table.length; i++) {
      table[i] = toBf16((float) (random.nextGaussian() * WEIGHT_STD));
    }
    return table;
  }

  /** Rounds a float to the nearest BF16 (ties to even). */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  private record Tensor(String name, long[] shape) {
    long bytes() {
      long n = 2;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Splits the total 2:2:1 over three shards (one shard when small), minus the config. */
  private static long[] shardBudgets(long totalBytes) {
    long rest = totalBytes - 512;
    if (rest < 64 * 1024) {
      return new long[] {rest};
    }
    long big = rest * 2 / 5;
    return new long[] {big, big, rest - 2 * big};
  }

  /** 2-D layers of at most MAX_ROWS x HIDDEN, then a 1-D remainder of an odd element count. */
  private static List<Tensor> layout(long budget, int firstLayer) {
    long elements = Math.max(1, (budget - 1024) / 2);
    List<Tensor> tensors = new ArrayList<>();
    int layer = firstLayer;
    while (elements >= HIDDEN) {
      long rows = Math.min(MAX_ROWS, elements / HIDDEN);
      tensors.add(new Tensor("model.layers." + layer++ + ".mlp.weight", new long[] {rows, HIDDEN}));
      elements -= rows * HIDDEN;
    }
    long tail = elements % 2 == 0 ? elements + 1 : elements;
    tensors.add(new Tensor("model.layers." + layer + ".norm.weight", new long[] {tail}));
    return tensors;
  }

  private static Path writeShard(Path file, List<Tensor> tensors, Random random)
      throws IOException {
    byte[] header = header(tensors);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      prefix.putLong(header.length).put(header).flip();
      writeFully(ch, prefix);
      ByteBuffer block = ByteBuffer.allocate(BLOCK);
      for (Tensor t : tensors) {
        long left = t.bytes();
        while (left > 0) {
          block.clear().limit((int) Math.min(BLOCK, left));
          fillBf16(block, random);
          block.flip();
          left -= block.remaining();
          writeFully(ch, block);
        }
      }
    }
    return file;
  }

  /** The JSON header, padded with spaces to an odd length (so the file size is odd). */
  private static byte[] header(List<Tensor> tensors) {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (Tensor t : tensors) {
      json.append(",\"").append(t.name()).append("\":{\"dtype\":\"BF16\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        json.append(i == 0 ? "" : ",").append(t.shape()[i]);
      }
      json.append("],\"data_offsets\":[").append(offset).append(',')
          .append(offset + t.bytes()).append("]}");
      offset += t.bytes();
    }
    json.append('}');
    while (json.length() % 8 != 7) {
      json.append(' ');
    }
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Path writeConfig(Path dir) throws IOException {
    String config = "{\n  \"architectures\": [\"WeightcastFixtureForCausalLM\"],\n"
        + "  \"hidden_size\": " + HIDDEN + ",\n  \"torch_dtype\": \"bfloat16\",\n"
        + "  \"model_type\": \"weightcast-fixture\"\n}\n";
    return Files.writeString(dir.resolve("config.json"), config);
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
