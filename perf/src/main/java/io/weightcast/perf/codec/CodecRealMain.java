package io.weightcast.perf.codec;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.ChunkDecoder;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.codec.ElementWidth;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The chunk codec on real weights (perf/bin/codec-real.sh): reads TFJS models
 * ({@link TfjsWeights}), groups the fp16 and fp32 weight bytes, derives bf16 from the fp32 ones,
 * cuts each into 8 MiB frames and prints, per dtype and codec, the size ratio (raw / encoded),
 * decode MB/s and decode + SHA-256 MB/s on this one thread (median of {@link #PASSES} passes over
 * all frames after {@link #WARMUP} warm-up passes). Rates are bytes per second of this thread's
 * CPU time ({@code ThreadMXBean}), not wall time, so that other processes sharing the core do not
 * count against it: that is the "per core" figure. decode + SHA-256 is the agent's path
 * ({@link ChunkDecoder}: each slice hashed as it is produced); "2-pass" is decode, then hash. Also writes each dtype's bytes to
 * {@code outDir/<dtype>.bin} for the zstd command line. MB = 10^6 bytes.
 *
 * <p>Usage: {@code CodecRealMain <models dir> <out dir>}
 */
public final class CodecRealMain {
  static final int FRAME = 8 << 20;
  static final int WARMUP = 3;
  static final int PASSES = 7;

  private CodecRealMain() {}

  /** One dtype's frames, their encodings under one scheme, and the figures measured. */
  private record Row(String dtype, String scheme, long rawBytes, long encodedBytes,
      double decodeMbs, double verifyMbs, double twoPassMbs, String codecs) {}

  public static void main(String[] args) throws Exception {
    Path models = Path.of(args[0]);
    Path outDir = Path.of(args[1]);
    Files.createDirectories(outDir);
    TfjsWeights w = TfjsWeights.read(models);
    byte[] fp16 = w.fp16.toByteArray();
    byte[] fp32 = w.fp32.toByteArray();
    byte[] bf16 = TfjsWeights.bf16FromFp32(fp32);
    System.out.printf("models: %d TFJS graphs; fp16 %d bytes, fp32 %d bytes, bf16 (derived from"
        + " fp32, round-to-nearest-even) %d bytes; %d bytes of other dtypes skipped%n",
        w.models, fp16.length, fp32.length, bf16.length, w.skippedBytes);
    Files.write(outDir.resolve("fp16.bin"), fp16);
    Files.write(outDir.resolve("fp32.bin"), fp32);
    Files.write(outDir.resolve("bf16.bin"), bf16);

    List<Row> rows = new ArrayList<>();
    measure(rows, "fp16", fp16, ElementWidth.TWO);
    measure(rows, "bf16*", bf16, ElementWidth.TWO);
    measure(rows, "fp32", fp32, ElementWidth.FOUR);
    System.out.printf("%n%-6s %-26s %12s %12s %7s %12s %14s %13s  %s%n", "dtype", "scheme",
        "raw bytes", "encoded", "ratio", "decode MB/s", "dec+sha MB/s", "2-pass MB/s",
        "codecs chosen");
    for (Row r : rows) {
      System.out.printf("%-6s %-26s %12d %12d %7.3f %12.0f %14.0f %13.0f  %s%n", r.dtype(),
          r.scheme(), r.rawBytes(), r.encodedBytes(), (double) r.rawBytes() / r.encodedBytes(),
          r.decodeMbs(), r.verifyMbs(), r.twoPassMbs(), r.codecs());
    }
    System.out.println("bf16* = derived from the fp32 weights; one thread; frames of "
        + (FRAME >> 20) + " MiB; ratio = raw / encoded; MB/s = 10^6 bytes per CPU-second of the"
        + " thread; dec+sha = the agent's fused path, 2-pass = decode then SHA-256.");
  }

  private static void measure(List<Row> rows, String dtype, byte[] all, ElementWidth hint) {
    List<ByteBuffer> frames = new ArrayList<>();
    for (byte[] f : TfjsWeights.frames(all, FRAME)) {
      frames.add(ByteBuffer.allocateDirect(f.length).put(f).flip());
    }
    double sha = rate(all.length, () -> frames.forEach(f -> Digest.sha256(f.duplicate())));
    rows.add(new Row(dtype, "SHA-256 alone (no codec)", all.length, all.length, sha, sha, sha,
        "-"));
    rows.add(run(dtype, "weightcast (no hint)", frames, new ChunkCodec(1), null, null));
    rows.add(run(dtype, "weightcast (hint " + hint.bytes() + ")", frames, new ChunkCodec(1), hint,
        null));
    rows.add(run(dtype, "weightcast level 3", frames, new ChunkCodec(3), null, null));
    rows.add(run(dtype, "zstd-jni -1 (plain)", frames, new ChunkCodec(1), null, Codec.ZSTD));
    rows.add(run(dtype, "zstd-shuffle2 (forced)", frames, new ChunkCodec(1), null,
        Codec.ZSTD_SHUFFLE2));
    rows.add(run(dtype, "zstd-shuffle4 (forced)", frames, new ChunkCodec(1), null,
        Codec.ZSTD_SHUFFLE4));
    rows.add(run(dtype, "zstd-jni -3 (plain)", frames, new ChunkCodec(3), null, Codec.ZSTD));
  }

  /** Encodes every frame (chosen codec, or {@code forced}), then times decoding them. */
  private static Row run(String dtype, String scheme, List<ByteBuffer> frames, ChunkCodec codec,
      ElementWidth hint, Codec forced) {
    List<ByteBuffer> encoded = new ArrayList<>();
    List<Codec> codecs = new ArrayList<>();
    Map<Codec, Integer> counts = new EnumMap<>(Codec.class);
    long raw = 0;
    long enc = 0;
    for (ByteBuffer f : frames) {
      ByteBuffer out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(f.remaining()));
      Codec c = forced;
      if (forced != null) {
        codec.encodeAs(forced, f, out);
      } else {
        c = hint == null ? codec.encode(f, out) : codec.encode(f, out, hint);
      }
      ByteBuffer copy = ByteBuffer.allocateDirect(out.remaining()).put(out).flip();
      encoded.add(copy);
      codecs.add(c);
      counts.merge(c, 1, Integer::sum);
      raw += f.remaining();
      enc += copy.remaining();
    }
    ByteBuffer target = ByteBuffer.allocateDirect(FRAME);
    double decode = rate(raw, () -> decodeAll(frames, encoded, codecs, target, false));
    double verify = rate(raw, () -> {
      for (int i = 0; i < frames.size(); i++) {
        ChunkDecoder.decodeAndHash(codecs.get(i), encoded.get(i), target.clear(),
            frames.get(i).remaining());
      }
    });
    double twoPass = rate(raw, () -> decodeAll(frames, encoded, codecs, target, true));
    StringBuilder chosen = new StringBuilder();
    counts.forEach((c, n) -> chosen.append(c.wireName()).append(" x").append(n).append(' '));
    return new Row(dtype, scheme, raw, enc, decode, verify, twoPass, chosen.toString().trim());
  }

  private static void decodeAll(List<ByteBuffer> frames, List<ByteBuffer> encoded,
      List<Codec> codecs, ByteBuffer target, boolean verify) {
    for (int i = 0; i < frames.size(); i++) {
      int n = frames.get(i).remaining();
      target.clear().limit(n);
      ChunkCodec.decode(codecs.get(i), encoded.get(i), target, n);
      if (verify) {
        Digest.sha256(target.duplicate());
      }
    }
  }

  /** Median MB/s of {@link #PASSES} passes of {@code pass}, after {@link #WARMUP} warm-ups. */
  private static double rate(long bytes, Runnable pass) {
    for (int i = 0; i < WARMUP; i++) {
      pass.run();
    }
    double[] mbs = new double[PASSES];
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < PASSES; i++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      pass.run();
      mbs[i] = bytes / ((cpu.getCurrentThreadCpuTime() - t0) / 1e3);
    }
    Arrays.sort(mbs);
    return mbs[PASSES / 2];
  }
}
