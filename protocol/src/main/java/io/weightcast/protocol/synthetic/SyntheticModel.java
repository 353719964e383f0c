package io.weightcast.protocol.synthetic;

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

/**
 * Writes a model directory that looks like a real checkpoint: safetensors shards (8-byte
 * little-endian header length, JSON header with BF16 tensors, shapes and data offsets, then the
 * data) holding values drawn from N(0, 0.02) and a last U8 tensor of odd length, so each shard
 * ends in an odd-sized chunk, plus a small config.json. Deterministic for a seed. Blocking.
 *
 * <p>Speed: values come from a 64 Ki-entry table of normal samples indexed by a xorshift generator,
 * so the bytes have the marginal distribution of real bf16 weights at ~1 ns per value.
 */
public final class SyntheticModel {
  private static final int TENSOR_COLS = 4096;
  private static final long SHARD_TARGET = 128L * 1024 * 1024;

  private SyntheticModel() {}

  /** Writes about {@code totalBytes} of weights into {@code dir}; answers the files written. */
  public static List<Path> write(Path dir, long totalBytes, long seed) {
    try {
      Files.createDirectories(dir);
      List<Path> out = new ArrayList<>();
      int shards = (int) Math.max(1, Math.min(16, (totalBytes + SHARD_TARGET - 1) / SHARD_TARGET));
      short[] table = normalBf16Table(seed);
      long perShard = totalBytes / shards;
      for (int i = 0; i < shards; i++) {
        Path file = dir.resolve(String.format("model-%05d-of-%05d.safetensors", i + 1, shards));
        writeShard(file, Math.max(2 * 1024, perShard - 2L * (i + 1) * 1021), table, seed + i);
        out.add(file);
      }
      Path config = dir.resolve("config.json");
      Files.writeString(config, "{\n  \"architectures\": [\"WeightcastDemoForCausalLM\"],\n"
          + "  \"hidden_size\": " + TENSOR_COLS + ",\n  \"torch_dtype\": \"bfloat16\",\n"
          + "  \"num_shards\": " + shards + "\n}\n", StandardCharsets.UTF_8);
      out.add(config);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write synthetic model in " + dir, e);
    }
  }

  /** One shard: header, then BF16 tensors of 4096 columns; the last tensor has fewer rows. */
  private static void writeShard(Path file, long dataBytes, short[] table, long seed)
      throws IOException {
    long values = dataBytes / 2;
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    int t = 0;
    long rowsPerTensor = 1024;
    while (offset < values * 2) {
      long remaining = values - offset / 2;
      long elements = Math.min(rowsPerTensor * TENSOR_COLS, remaining);
      long rows = Math.max(1, elements / TENSOR_COLS);
      long cols = elements / rows;
      elements = rows * cols;
      json.append(",\"layers.").append(t++).append(".weight\":{\"dtype\":\"BF16\",\"shape\":[")
          .append(rows).append(',').append(cols).append("],\"data_offsets\":[").append(offset)
          .append(',').append(offset + elements * 2).append("]}");
      offset += elements * 2;
    }
    // An odd-length U8 tensor last, so the file (and its last chunk) has an odd size.
    long maskBytes = 1021;
    json.append(",\"layers.mask\":{\"dtype\":\"U8\",\"shape\":[").append(maskBytes)
        .append("],\"data_offsets\":[").append(offset).append(',').append(offset + maskBytes)
        .append("]}");
    long bf16Bytes = offset;
    offset += maskBytes;
    json.append('}');
    while ((json.length() + 8) % 8 != 0) {
      json.append(' ');
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      SafetensorsFiles.writeHeader(ch, json.toString());
      fill(ch, bf16Bytes, table, seed);
      ByteBuffer mask = ByteBuffer.allocate((int) maskBytes);
      new Random(seed).nextBytes(mask.array());
      while (mask.hasRemaining()) {
        ch.write(mask);
      }
    }
  }

  private static void fill(FileChannel ch, long bytes, short[] table, long seed)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    short[] values = new short[block.capacity() / 2];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    long left = bytes;
    while (left > 0) {
      int n = (int) Math.min(block.capacity(), left);
      for (int i = 0; i < n / 2; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        values[i] = table[(int) (x & 0xFFFF)];
      }
      block.clear();
      block.asShortBuffer().put(values, 0, n / 2);
      block.limit(n);
      while (block.hasRemaining()) {
        ch.write(block);
      }
      left -= n;
    }
  }

  /** 65,536 samples of N(0, 0.02) rounded to bfloat16 (round to nearest even). */
  private static short[] normalBf16Table(long seed) {
    Random random = new Random(seed);
    short[] table = new short[1 << 16];
    for (int i = 0; i < table.length; i++) {
      int bits = Float.floatToRawIntBits((float) (random.nextGaussian() * 0.02));
      int rounding = 0x7FFF + ((bits >>> 16) & 1);
      table[i] = (short) ((bits + rounding) >>> 16);
    }
    return table;
  }
}
