package io.weightcast.deploy.cli;

import io.vertx.core.Vertx;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.deploy.demo.DemoRun;
import io.weightcast.deploy.push.ChunkSizing;
import io.weightcast.protocol.wire.Sizes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weightcast demo}: the whole system in one process on loopback, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a registry, a distributor and N agents in one process, push a synthetic"
        + " model, and watch it land verified on every agent.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--agents", defaultValue = "4", description = "Number of agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--size", defaultValue = "512MiB", description = "Model size (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--dir", defaultValue = "./wc-demo", description = "Working directory, recreated on each run (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--chunk-size", defaultValue = "auto", description = "Chunk size, or auto as in push: the largest power of two <= model size / 64 within [1 MiB, 8 MiB] (default ${DEFAULT-VALUE}).")
  String chunkSize;

  @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for the rollout (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--keep-running", description = "Keep every role running after the summary (Ctrl-C stops).")
  boolean keepRunning;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      DemoRun.Options options = new DemoRun.Options(agents, Sizes.parse(size), dir,
          ChunkSizing.parse(chunkSize), timeoutSeconds * 1000);
      for (String sub : new String[] {"registry", "dist", "agents"}) {
        DemoRun.deleteTree(dir.resolve(sub));
      }
      Vertx vertx = CliSupport.newServerVertx();
      DemoCluster cluster = new DemoCluster(vertx, dir);
      try {
        DemoRun.Summary s = new DemoRun(options, System.out).run(vertx, cluster);
        System.out.println(summary(s, agents));
        if (keepRunning) {
          System.out.printf("keeping everything running: registry %s (REST + gRPC), distributor %s;"
              + " Ctrl-C stops%n", cluster.registryEndpoint(), cluster.distributorUrl());
          CountDownLatch forever = new CountDownLatch(1);
          Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
          forever.await();
        }
        return 0;
      } finally {
        cluster.stop();
      }
    });
  }

  static String summary(DemoRun.Summary s, int agents) {
    double delivered = (double) s.modelBytes() * agents;
    return String.format(Locale.ROOT, "summary: %s model (%d files, %d chunks) active on %d/%d"
            + " agents in %.2f s; effective throughput %s (%s delivered); compression ratio"
            + " %.2fx", Sizes.format(s.modelBytes()), s.files(), s.chunks(), s.agentsActive(),
        agents, s.seconds(), Sizes.rate(delivered / s.seconds()),
        Sizes.format((long) delivered), s.compressionRatio());
  }
}
