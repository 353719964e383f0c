package io.weightcast.perf.micro;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the side-by-side table of one {@code micro.sh} run from three files: the JMH results
 * ({@code -rf json}), the reference tools' medians ({@code name TAB MB/s TAB size-ratio}) and
 * {@link MicroSampleMain}'s codec size ratios.
 *
 * <p>Formulas (MB = 10^6 bytes, all single-threaded, same 64 MiB of bytes):
 * <ul>
 *   <li>weightcast MB/s = JMH ops/s x 8 MiB / 10^6 (one op = one 8 MiB chunk);
 *   <li>reference MB/s = 64 MiB / median wall time of the tool / 10^6; for a path made of several
 *       steps, the tools run one after another on one core: {@code 1 / sum(1 / MB/s of each)};
 *   <li>ratio = weightcast MB/s / reference MB/s (above 1: weightcast is faster);
 *   <li>size = compressed bytes / raw bytes (weightcast: sum over independent 8 MiB frames;
 *       zstd CLI: one stream over the whole file).
 * </ul>
 *
 * <p>Usage: {@code MicroReportMain JMH.json baselines.tsv codec-sizes.tsv}
 */
public final class MicroReportMain {
  private static final String PKG = "io.weightcast.perf.micro.";

  /** One table row: a benchmark (and its input) against a serial chain of reference tools. */
  private record Row(String label, String benchmark, String input, List<String> reference,
      String wcSize, String refSize) {}

  private static final List<Row> ROWS = List.of(
      new Row("sha256, bf16", "HashBenchmark.sha256", null, List.of("sha256sum"), null, null),
      new Row("sha256, bf16 (vs openssl)", "HashBenchmark.sha256", null,
          List.of("openssl-sha256"), null, null),
      new Row("sha256, bf16 (vs openssl speed, memory)", "HashBenchmark.sha256", null,
          List.of("openssl-speed-sha256"), null, null),
      new Row("chunk+hash file, page cache", "HashBenchmark.chunkAndHash", null,
          List.of("sha256sum"), null, null),
      new Row("compress zstd -1, bf16", "CodecBenchmark.compress", "bf16/1",
          List.of("zstd-1-bf16"), "bf16/1", "zstd-1-bf16"),
      new Row("compress zstd -1, bf16 (vs -T1)", "CodecBenchmark.compress", "bf16/1",
          List.of("zstd-1-bf16-T1"), "bf16/1", "zstd-1-bf16-T1"),
      new Row("compress zstd -1, bf16 (vs zstd -b, mem)", "CodecBenchmark.compress", "bf16/1",
          List.of("zstd-b1-bf16"), "bf16/1", null),
      new Row("compress zstd -3, bf16", "CodecBenchmark.compress", "bf16/3",
          List.of("zstd-3-bf16"), "bf16/3", "zstd-3-bf16"),
      new Row("compress zstd -3, bf16 (vs zstd -b, mem)", "CodecBenchmark.compress", "bf16/3",
          List.of("zstd-b3-bf16"), "bf16/3", null),
      new Row("compress -1, random (raw fallback)", "CodecBenchmark.compress", "random/1",
          List.of("zstd-1-random"), "random/1", "zstd-1-random"),
      new Row("decompress -1, bf16", "CodecBenchmark.decompress", "bf16/1",
          List.of("zstd-d-bf16-1"), "bf16/1", "zstd-1-bf16"),
      new Row("decompress -1, bf16 (vs zstd -b, mem)", "CodecBenchmark.decompress", "bf16/1",
          List.of("zstd-b1-d-bf16"), "bf16/1", null),
      new Row("decompress -3, bf16", "CodecBenchmark.decompress", "bf16/3",
          List.of("zstd-d-bf16-3"), "bf16/3", "zstd-3-bf16"),
      new Row("decompress raw, random", "CodecBenchmark.decompress", "random/1",
          List.of("zstd-d-random-1"), "random/1", "zstd-1-random"),
      new Row("decode+verify -1, bf16", "AgentWriteBenchmark.decodeVerify", "bf16/1",
          List.of("zstd-d-bf16-1", "sha256sum"), "bf16/1", "zstd-1-bf16"),
      new Row("decode+verify raw, random", "AgentWriteBenchmark.decodeVerify", "random/1",
          List.of("zstd-d-random-1", "sha256sum"), "random/1", "zstd-1-random"),
      new Row("decode, then verify (2 passes), bf16", "AgentWriteBenchmark.decodeThenVerify",
          "bf16/1", List.of("zstd-d-bf16-1", "sha256sum"), "bf16/1", "zstd-1-bf16"),
      new Row("decode, then verify (2 passes), random", "AgentWriteBenchmark.decodeThenVerify",
          "random/1", List.of("zstd-d-random-1", "sha256sum"), "random/1", "zstd-1-random"),
      new Row("pwrite+fdatasync 8 MiB", "DiskWriteBenchmark.pwriteSync", null,
          List.of("dd-dsync"), null, null),
      new Row("writeChunk -1, bf16 (+fdatasync)", "AgentWriteBenchmark.writeChunk", "bf16/1",
          List.of("zstd-d-bf16-1", "sha256sum", "dd-dsync"), "bf16/1", "zstd-1-bf16"),
      new Row("writeChunk raw, random (+fdatasync)", "AgentWriteBenchmark.writeChunk",
          "random/1", List.of("zstd-d-random-1", "sha256sum", "dd-dsync"), "random/1",
          "zstd-1-random"));

  private MicroReportMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: MicroReportMain JMH.json baselines.tsv codec-sizes.tsv");
      System.exit(2);
    }
    JsonArray jmh = new JsonArray(Files.readString(Path.of(args[0])));
    Map<String, String[]> refs = readTsv(Path.of(args[1]));
    Map<String, String[]> sizes = readTsv(Path.of(args[2]));
    System.out.printf(Locale.ROOT, "%-42s %17s %10s %7s %7s %7s  %s%n", "operation (1 core)",
        "weightcast MB/s", "ref MB/s", "ratio", "size wc", "size ref", "reference (serial chain)");
    for (Row row : ROWS) {
      JsonObject result = find(jmh, row);
      double refMbps = serial(row.reference(), refs);
      if (result == null || Double.isNaN(refMbps)) {
        System.out.printf(Locale.ROOT, "%-42s %17s%n", row.label(), "(not measured)");
        continue;
      }
      JsonObject metric = result.getJsonObject("primaryMetric");
      double mbps = number(metric.getValue("score")) * MicroData.CHUNK / 1e6;
      double err = number(metric.getValue("scoreError")) * MicroData.CHUNK / 1e6;
      String wc = String.format(Locale.ROOT, "%.0f ± %.0f", mbps, Double.isNaN(err) ? 0 : err);
      System.out.printf(Locale.ROOT, "%-42s %17s %10.0f %7.2f %7s %7s  %s%n", row.label(), wc,
          refMbps, mbps / refMbps, size(sizes, row.wcSize(), 1), size(refs, row.refSize(), 2),
          String.join(" + ", row.reference()));
    }
  }

  /** {@code 1 / sum(1 / MB/s)} over the named tools: their time per byte adds up on one core. */
  private static double serial(List<String> names, Map<String, String[]> refs) {
    double secondsPerMb = 0;
    for (String name : names) {
      String[] r = refs.get(name);
      if (r == null) {
        return Double.NaN;
      }
      secondsPerMb += 1 / Double.parseDouble(r[1]);
    }
    return 1 / secondsPerMb;
  }

  /** JMH writes "NaN" (a string) for the error of a single iteration. */
  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : v == null ? Double.NaN
        : Double.parseDouble(v.toString());
  }

  private static String size(Map<String, String[]> table, String key, int column) {
    String[] r = key == null ? null : table.get(key);
    return r == null || r.length <= column ? "-" : r[column];
  }

  private static JsonObject find(JsonArray jmh, Row row) {
    for (int i = 0; i < jmh.size(); i++) {
      JsonObject r = jmh.getJsonObject(i);
      JsonObject params = r.getJsonObject("params", new JsonObject());
      if (r.getString("benchmark").equals(PKG + row.benchmark())
          && (row.input() == null || row.input().equals(params.getString("input")))) {
        return r;
      }
    }
    return null;
  }

  private static Map<String, String[]> readTsv(Path file) throws IOException {
    Map<String, String[]> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        String[] cols = line.split("\t");
        out.put(cols[0], cols);
      }
    }
    return out;
  }
}
