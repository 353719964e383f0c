package io.weightcast.perf.warm;

import io.vertx.core.json.JsonObject;
import io.weightcast.agent.assemble.PageCacheWarmer;
import io.weightcast.agent.assemble.WarmReport;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import io.weightcast.protocol.synthetic.SyntheticModel;
import io.weightcast.protocol.wire.Sizes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * Time for a loader to read every tensor of a freshly activated version, cold against warm:
 * args {@code DIR BYTES REPS}. Writes a synthetic bf16 model into DIR (fsynced, as the agent
 * leaves a version), then REPS times: (cold) drop the page cache, read every tensor as a
 * safetensors loader does (header, then each tensor mapped read-only and read in full);
 * (warm) drop the page cache, run {@link PageCacheWarmer} as the agent does before activation,
 * then the same read. The page cache is dropped with {@code /proc/sys/vm/drop_caches} when it is
 * writable; otherwise the run says so and the "cold" figures are not cold.
 */
public final class WarmMain {
  private WarmMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long bytes = Sizes.parse(args.length > 1 ? args[1] : "1GiB");
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SyntheticModel.write(dir, bytes, 42);
    Manifest m = new Chunker(8L << 20).manifest("warm-bench", "v1", ModelDirectory.scan(dir),
        ForkJoinPool.commonPool(), n -> { });
    for (Path f : files(dir)) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    boolean canDrop = dropCaches();
    System.out.printf(Locale.ROOT, "model: %s in %d files; page cache drop: %s%n",
        Sizes.format(m.totalBytes()), m.files().size(), canDrop
            ? "yes (echo 1 > /proc/sys/vm/drop_caches)"
            : "NOT POSSIBLE (not root / read-only /proc): cold figures are not cold");
    List<double[]> cold = new ArrayList<>();
    List<double[]> warm = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      dropCaches();
      cold.add(new double[] {0, loaderRead(dir)});
      dropCaches();
      long t0 = System.nanoTime();
      WarmReport report = new PageCacheWarmer(true, 0).warm(dir, m);
      double warmUp = (System.nanoTime() - t0) / 1e9;
      warm.add(new double[] {warmUp, loaderRead(dir)});
      System.out.printf(Locale.ROOT, "rep %d: cold load %.3f s | warm-up %.3f s (%s), then load"
          + " %.3f s%n", r + 1, cold.get(r)[1], warmUp, Sizes.format(report.warmedBytes()),
          warm.get(r)[1]);
    }
    double c = median(cold, 1);
    double w = median(warm, 1);
    double u = median(warm, 0);
    double mb = m.totalBytes() / 1e6;
    System.out.printf(Locale.ROOT, "median of %d: cold load %.3f s (%.0f MB/s); warm-up %.3f s"
        + " (%.0f MB/s) before activation; load after warm-up %.3f s (%.0f MB/s); %.1fx faster"
        + " first load%n", reps, c, mb / c, u, mb / u, w, mb / w, c / w);
  }

  /** Reads every tensor of every shard through read-only mappings; answers seconds taken. */
  static double loaderRead(Path dir) throws IOException {
    long t0 = System.nanoTime();
    long sum = 0;
    for (Path f : files(dir)) {
      if (!f.toString().endsWith(".safetensors")) {
        sum += Files.readAllBytes(f).length;
        continue;
      }
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(len, 0);
        int n = (int) len.flip().getLong();
        ByteBuffer h = ByteBuffer.allocate(n);
        ch.read(h, 8);
        JsonObject header = new JsonObject(new String(h.array(), StandardCharsets.UTF_8).strip());
        for (String name : header.fieldNames()) {
          if (name.equals("__metadata__")) {
            continue;
          }
          long begin = header.getJsonObject(name).getJsonArray("data_offsets").getLong(0);
          long end = header.getJsonObject(name).getJsonArray("data_offsets").getLong(1);
          MappedByteBuffer t = ch.map(FileChannel.MapMode.READ_ONLY, 8 + n + begin, end - begin);
          int i = 0;
          for (; i + 8 <= t.capacity(); i += 8) {
            sum += t.getLong(i);
          }
          for (; i < t.capacity(); i++) {
            sum += t.get(i);
          }
        }
      }
    }
    if (sum == 42) {
      System.out.println("(checksum 42)");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<Path> files(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /**
   * Drops clean page-cache pages machine-wide; false where the kernel does not let us. Pages
   * still mapped are not dropped, so the previous round's mappings are collected first.
   */
  private static boolean dropCaches() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    try {
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static double median(List<double[]> runs, int column) {
    double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v[v.length / 2];
  }
}
