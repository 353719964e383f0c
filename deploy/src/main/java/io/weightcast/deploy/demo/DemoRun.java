package io.weightcast.deploy.demo;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.agent.AgentVerticle;
import io.weightcast.deploy.cli.CliSupport;
import io.weightcast.deploy.push.Pusher;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.synthetic.SyntheticModel;
import io.weightcast.protocol.wire.Endpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The one-process demo: (1) start a registry, a distributor and N agents on loopback; (2) write a
 * synthetic bf16 safetensors model; (3) push it; (4) follow the rollout until every agent is
 * active; (5) check every agent's files against the source digests and its {@code current} link;
 * (6) print a summary. Runs on the main thread; network calls go through Vert.x contexts.
 */
public final class DemoRun {
  public static final String MODEL = "demo-llm";
  public static final String VERSION = "v1";

  /** What to run. */
  public record Options(int agents, long size, Path dir, long chunkSize, long timeoutMs) {
    public Options {
      Objects.requireNonNull(dir, "dir");
      if (agents < 1 || agents > 64) {
        throw new IllegalArgumentException("agents must be in [1, 64], got " + agents);
      }
      if (size < 1024 * 1024) {
        throw new IllegalArgumentException("size must be at least 1 MiB, got " + size);
      }
    }
  }

  /** What the demo measured. */
  public record Summary(long modelBytes, int files, int chunks, double seconds,
      double compressionRatio, int agentsActive) {}

  private final Options options;
  private final PrintStream out;

  public DemoRun(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs steps 1-6 with {@code cluster} left running for the caller to stop. */
  public Summary run(Vertx vertx, DemoCluster cluster) throws IOException {
    Path modelDir = options.dir().resolve("model");
    out.printf("writing a %s synthetic bf16 model to %s%n",
        io.weightcast.protocol.wire.Sizes.format(options.size()), modelDir);
    deleteTree(modelDir);
    SyntheticModel.write(modelDir, options.size(), 42);
    cluster.start(options.agents());
    out.printf("registry %s, distributor %s, %d agents on loopback%n",
        cluster.registryEndpoint(), cluster.distributorUrl(), options.agents());
    long start = System.nanoTime();
    Pusher.Result pushed = CliSupport.runOnContext(vertx, v -> Pusher.push(v,
        new Pusher.Options(modelDir, MODEL, VERSION, options.chunkSize(), 16,
            cluster.registryEndpoint(), cluster.distributorUrl()), Pusher.Listener.QUIET));
    out.printf("pushed %s in %.2f s: %d files, %d chunks of %s, manifest %s%n",
        pushed.version().manifest().id(), (System.nanoTime() - start) / 1e9,
        pushed.version().manifest().files().size(), pushed.distinctChunks(),
        io.weightcast.protocol.wire.Sizes.format(pushed.version().manifest().chunkSize()),
        pushed.version().manifestDigest().shortHex());
    JsonObject rollout = follow(vertx, cluster.registryEndpoint());
    double seconds = (System.nanoTime() - start) / 1e9;
    Manifest manifest = pushed.version().manifest();
    verify(cluster.agents(), manifest);
    int active = rollout.getJsonObject("totals").getInteger("active");
    return new Summary(manifest.totalBytes(), manifest.files().size(), manifest.chunkCount(),
        seconds, compressionRatio(manifest), active);
  }


  /** Polls the registry's rollout view until every agent is active; fails on a failed agent. */
  private JsonObject follow(Vertx vertx, String registry) {
    RolloutView view = new RolloutView(out, System.console() != null);
    URI uri = Endpoints.uri(registry);
    HttpClient http = vertx.createHttpClient();
    try {
      long deadline = System.currentTimeMillis() + options.timeoutMs();
      while (true) {
        JsonObject r = CliSupport.runOnContext(vertx, v -> http
            .request(HttpMethod.GET, uri.getPort(), uri.getHost(),
                "/v1/rollouts/" + MODEL + "/" + VERSION)
            .compose(req -> req.send()).compose(resp -> resp.body()).map(JsonObject::new));
        JsonObject totals = r.getJsonObject("totals");
        boolean done = totals.getInteger("active") == options.agents();
        view.show(r, done);
        if (done) {
          return r;
        }
        for (Object n : r.getJsonArray("nodes", new JsonArray())) {
          JsonObject node = (JsonObject) n;
          if ("failed".equals(node.getString("state"))) {
            throw new Unavailable(node.getString("node") + " failed: "
                + node.getString("lastError"));
          }
        }
        if (System.currentTimeMillis() > deadline) {
          throw new Unavailable("rollout did not finish within " + options.timeoutMs() + " ms");
        }
        vertx.timer(250).await();
      }
    } finally {
      http.close().await();
    }
  }

  /** Every agent's files hash to the source digests, and {@code current} names the version. */
  private void verify(List<AgentVerticle> agents, Manifest manifest) throws IOException {
    for (AgentVerticle agent : agents) {
      Path modelDir = agent.agentConfig().dataDir().resolve("models").resolve(MODEL);
      Path current = modelDir.resolve("current");
      if (!Files.isSymbolicLink(current)
          || !Files.readSymbolicLink(current).toString().equals(VERSION)) {
        throw new IllegalStateException(agent.agentConfig().nodeId() + ": current does not point"
            + " at " + VERSION);
      }
      for (FileEntry f : manifest.files()) {
        Digest actual = Digest.ofFile(current.resolve(f.path()));
        if (!actual.equals(f.digest())) {
          throw new IllegalStateException(agent.agentConfig().nodeId() + ": " + f.path()
              + " has sha256 " + actual + ", expected " + f.digest());
        }
      }
    }
    out.printf("verified: every file of all %d agents matches the source sha256%n",
        agents.size());
  }

  private double compressionRatio(Manifest manifest) throws IOException {
    long raw = manifest.distinctChunks().values().stream().mapToLong(Long::longValue).sum();
    long stored;
    try (Stream<Path> files = Files.walk(options.dir().resolve("dist"))) {
      stored = files.filter(p -> Files.isRegularFile(p) && p.toString().contains("chunks"))
          .mapToLong(p -> p.toFile().length()).sum();
    }
    return stored == 0 ? 1.0 : (double) raw / stored;
  }

  /** Deletes a directory tree if it exists (children first). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(all::add);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(all.get(i));
    }
  }
}
