package io.weightcast.protocol.synthetic;

import io.weightcast.protocol.safetensors.Dtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A safetensors checkpoint described tensor by tensor, and its fine-tunes: for delta tests and
 * benchmarks. Each tensor's bytes come from a xorshift generator seeded by {@link Spec#seed}, so
 * a tensor with the same seed and shape has the same bytes in every version. Blocking writes.
 */
public final class SyntheticCheckpoint {
  /** One tensor: name, dtype, shape and the seed of its contents. */
  public record Spec(String name, Dtype dtype, List<Long> shape, long seed) {
    public Spec {
      shape = List.copyOf(shape);
    }

    public long bytes() {
      long n = dtype.width();
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    Spec with(List<Long> newShape, long newSeed) {
      return new Spec(name, dtype, newShape, newSeed);
    }
  }

  private SyntheticCheckpoint() {}

  /** {@link #base(int, long, long, long)} with 64 rows. */
  public static List<Spec> base(int layers, long cols, long seed) {
    return base(layers, 64, cols, seed);
  }

  /**
   * {@code layers} transformer-like layers of {@code cols} columns, each an attention weight
   * (BF16, r, 1.25r or 1.5r rows x cols for r = {@code rows}), an MLP weight (BF16, twice as many
   * rows) and a norm (F32, cols).
   */
  public static List<Spec> base(int layers, long rows0, long cols, long seed) {
    List<Spec> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      long rows = rows0 + (i % 3) * (rows0 / 4);
      out.add(new Spec("layers." + i + ".attn.weight", Dtype.BF16, List.of(rows, cols),
          seed * 1000 + 3L * i));
      out.add(new Spec("layers." + i + ".mlp.weight", Dtype.BF16, List.of(2 * rows, cols),
          seed * 1000 + 3L * i + 1));
      out.add(new Spec("layers." + i + ".norm.weight", Dtype.F32, List.of(cols),
          seed * 1000 + 3L * i + 2));
    }
    return out;
  }

  /**
   * A fine-tune of {@code v1}: every tensor whose index i satisfies {@code i % 10 == 3} gets new
   * contents (10% of the tensors); every second of those also gets one more row (a resize).
   */
  public static List<Spec> fineTune(List<Spec> v1) {
    List<Spec> out = new ArrayList<>();
    int changed = 0;
    for (int i = 0; i < v1.size(); i++) {
      Spec s = v1.get(i);
      if (i % 10 != 3) {
        out.add(s);
        continue;
      }
      List<Long> shape = new ArrayList<>(s.shape());
      if (changed++ % 2 == 1) {
        shape.set(0, shape.get(0) + 1);
      }
      out.add(s.with(shape, s.seed() + 7_777_777L));
    }
    return out;
  }

  /** Writes {@code specs} in order as one safetensors file. */
  public static void write(Path file, List<Spec> specs) {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (Spec s : specs) {
      json.append(",\"").append(s.name()).append("\":{\"dtype\":\"").append(s.dtype().name())
          .append("\",\"shape\":").append(s.shape().toString().replace(" ", ""))
          .append(",\"data_offsets\":[").append(offset).append(',').append(offset + s.bytes())
          .append("]}");
      offset += s.bytes();
    }
    json.append('}');
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      SafetensorsFiles.writeHeader(ch, json.toString());
      ByteBuffer block = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Spec s : specs) {
        fill(ch, s.bytes(), s.seed(), block);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void fill(FileChannel ch, long bytes, long seed, ByteBuffer block)
      throws IOException {
    long x = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    long left = bytes;
    while (left > 0) {
      int n = (int) Math.min(block.capacity(), left);
      block.clear();
      while (block.position() + 8 <= n) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        block.putLong(x);
      }
      while (block.position() < n) {
        block.put((byte) x);
        x >>>= 8;
      }
      block.flip();
      SafetensorsFiles.writeFully(ch, block);
      left -= n;
    }
  }

}
