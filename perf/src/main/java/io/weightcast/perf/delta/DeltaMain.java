package io.weightcast.perf.delta;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.agent.AgentVerticle;
import io.weightcast.deploy.cli.CliSupport;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.deploy.push.Pusher;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.synthetic.SyntheticCheckpoint;
import io.weightcast.protocol.synthetic.SyntheticCheckpoint.Spec;
import io.weightcast.protocol.wire.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Delta benchmark (issue #6, part 3): a synthetic BF16/F32 safetensors checkpoint v1 and a
 * fine-tune v2 with 10% of its tensors changed (half of those one row longer), pushed to an
 * in-process registry + distributor and rolled out to one agent, once with tensor-aware chunking
 * and once with fixed-offset chunking, each on a fresh cluster. For v2 it prints the fraction of
 * bytes push uploaded (Pusher's bytesUploaded / file bytes) and the fraction transferred to the
 * agent (bytes_done - bytes_reused from the agent's own progress report, / file bytes).
 *
 * <p>Args: {@code WORKDIR [LAYERS [ROWS [COLS [CHUNK]]]]}, defaults 12 layers, 512 rows, 4096
 * columns (about 216 MiB), chunk 4 MiB.
 */
public final class DeltaMain {
  private static final String MODEL = "delta-demo";
  private static final String FILE = "model.safetensors";

  /** What one chunking mode gave for v2. */
  record Outcome(Chunker.Mode mode, long totalBytes, int chunks, long uploaded, long reused,
      double seconds) {}

  private DeltaMain() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/var/tmp/wc-delta");
    int layers = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    long rows = args.length > 2 ? Long.parseLong(args[2]) : 512;
    long cols = args.length > 3 ? Long.parseLong(args[3]) : 4096;
    long chunk = args.length > 4 ? Sizes.parse(args[4]) : 4L * 1024 * 1024;
    deleteTree(work);
    List<Spec> v1 = SyntheticCheckpoint.base(layers, rows, cols, 1);
    List<Spec> v2 = SyntheticCheckpoint.fineTune(v1);
    long changed = v2.stream().filter(s -> !v1.contains(s)).count();
    long resized = 0;
    for (int i = 0; i < v1.size(); i++) {
      resized += v1.get(i).bytes() != v2.get(i).bytes() ? 1 : 0;
    }
    long unchangedBytes = v2.stream().filter(v1::contains).mapToLong(Spec::bytes).sum();
    writeVersion(work.resolve("src-v1"), v1, "v1");
    writeVersion(work.resolve("src-v2"), v2, "v2");
    long v2Bytes = sizeOf(work.resolve("src-v2"));
    System.out.printf(Locale.ROOT, "v1: %d tensors, %s; v2: %d tensors changed (%d resized), "
        + "%s; unchanged tensors hold %.1f%% of v2; chunk size %s%n", v1.size(),
        Sizes.format(sizeOf(work.resolve("src-v1"))), changed, resized, Sizes.format(v2Bytes),
        100.0 * unchangedBytes / v2Bytes, Sizes.format(chunk));
    List<Outcome> out = new ArrayList<>();
    for (Chunker.Mode mode : List.of(Chunker.Mode.TENSORS, Chunker.Mode.FIXED)) {
      out.add(run(work, mode, chunk));
    }
    System.out.println();
    System.out.println("v2 (fine-tune)           chunks   uploaded by push      transferred to agent"
        + "   reused on agent   v2 rollout s");
    for (Outcome o : out) {
      long transferred = o.totalBytes() - o.reused();
      System.out.printf(Locale.ROOT, "%-22s %8d   %9s %6.1f%%   %9s %6.1f%%   %9s %5.1f%%   %8.2f%n",
          o.mode() == Chunker.Mode.TENSORS ? "tensor-aware" : "fixed offsets (base)", o.chunks(),
          Sizes.format(o.uploaded()), 100.0 * o.uploaded() / o.totalBytes(),
          Sizes.format(transferred), 100.0 * transferred / o.totalBytes(),
          Sizes.format(o.reused()), 100.0 * o.reused() / o.totalBytes(), o.seconds());
    }
    System.exit(0);
  }

  /** A fresh registry + distributor + 1 agent: push v1, roll out, push v2, roll out. */
  private static Outcome run(Path work, Chunker.Mode mode, long chunk) throws Exception {
    Path dir = work.resolve("run-" + mode.name().toLowerCase(Locale.ROOT));
    Vertx vertx = CliSupport.newVertx();
    DemoCluster cluster = new DemoCluster(vertx, dir);
    try {
      cluster.start(1);
      AgentVerticle agent = cluster.agents().get(0);
      Path agentData = agent.agentConfig().dataDir();
      push(vertx, cluster, work.resolve("src-v1"), "v1", mode, chunk);
      awaitCurrent(agentData, "v1");
      long start = System.nanoTime();
      Pusher.Result r = push(vertx, cluster, work.resolve("src-v2"), "v2", mode, chunk);
      awaitCurrent(agentData, "v2");
      double seconds = (System.nanoTime() - start) / 1e9;
      Manifest m = r.version().manifest();
      verify(agentData, m);
      NodeProgress p = CliSupport.runOnContext(vertx, v -> Future.succeededFuture(
          agent.progress().stream().filter(n -> n.version().equals("v2")).findFirst()
              .orElseThrow()));
      return new Outcome(mode, m.totalBytes(), m.chunkCount(), r.bytesUploaded(),
          p.bytesReused(), seconds);
    } finally {
      cluster.stop();
    }
  }

  private static Pusher.Result push(Vertx vertx, DemoCluster cluster, Path src, String version,
      Chunker.Mode mode, long chunk) {
    Pusher.Options o = new Pusher.Options(src, MODEL, version, chunk, 16,
        cluster.registryEndpoint(), cluster.distributorUrl(), mode);
    Pusher.Result r = CliSupport.runOnContext(vertx, v -> Pusher.push(v, o, Pusher.Listener.QUIET));
    r.warnings().forEach(w -> System.out.println("warning: " + w));
    System.out.printf(Locale.ROOT, "  %-7s push %s: uploaded %s of %s (%d of %d chunks); %s "
        + "reused from chunks the distributor already holds%n", mode, version,
        Sizes.format(r.bytesUploaded()), Sizes.format(r.distinctBytes()), r.chunksUploaded(),
        r.distinctChunks(), Sizes.format(r.bytesReused()));
    return r;
  }

  private static void awaitCurrent(Path agentData, String version) throws Exception {
    Path link = agentData.resolve("models").resolve(MODEL).resolve("current");
    long deadline = System.currentTimeMillis() + 600_000;
    while (!(Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString()
        .equals(version))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("agent did not activate " + version + " in 10 min");
      }
      Thread.sleep(50);
    }
  }

  private static void verify(Path agentData, Manifest m) throws IOException {
    Path dir = agentData.resolve("models").resolve(MODEL).resolve(m.version());
    for (FileEntry f : m.files()) {
      if (!Digest.ofFile(dir.resolve(f.path())).equals(f.digest())) {
        throw new IllegalStateException(f.path() + " of " + m.id() + " differs on the agent");
      }
    }
  }

  private static void writeVersion(Path dir, List<Spec> specs, String version) throws IOException {
    Files.createDirectories(dir);
    SyntheticCheckpoint.write(dir.resolve(FILE), specs);
    Files.writeString(dir.resolve("config.json"), "{\"version\": \"" + version + "\"}\n");
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      long total = 0;
      for (Path p : s.toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
