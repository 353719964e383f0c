package io.weightcast.deploy.ops;

import io.vertx.core.Vertx;
import io.weightcast.deploy.cli.CliSupport;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.deploy.push.Pusher;
import io.weightcast.protocol.synthetic.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A whole system in this JVM ({@link DemoCluster}: registry, distributor, agents over 2 zones x 2
 * racks on loopback) plus helpers to push synthetic versions and watch agents' {@code current}.
 */
final class OperatorFixture implements AutoCloseable {
  final Vertx vertx = CliSupport.newVertx();
  final DemoCluster cluster;
  private final Path dir;

  OperatorFixture(Path dir, int agents) {
    this.dir = dir;
    this.cluster = new DemoCluster(vertx, dir);
    cluster.start(agents);
  }

  /** Writes a synthetic model of {@code bytes} and pushes it as MODEL/VERSION. */
  void push(String model, String version, long bytes, long seed, long chunkSize) {
    Path src = dir.resolve("src-" + model + "-" + version);
    SyntheticModel.write(src, bytes, seed);
    CliSupport.runOnContext(vertx, v -> Pusher.push(v, new Pusher.Options(src, model, version,
        chunkSize, 8, cluster.registryEndpoint(), cluster.distributorUrl()), Pusher.Listener.QUIET));
  }

  Optional<String> current(int agent, String model) {
    Path link = dir.resolve("agents").resolve(String.format("agent-%02d", agent))
        .resolve("models").resolve(model).resolve("current");
    try {
      return Files.isSymbolicLink(link) ? Optional.of(Files.readSymbolicLink(link).toString())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Waits until every agent's {@code current} of MODEL is VERSION. */
  void awaitAllCurrent(String model, String version, long timeoutMs) {
    int n = cluster.agents().size();
    await(() -> {
      for (int i = 1; i <= n; i++) {
        if (!current(i, model).map(version::equals).orElse(false)) {
          return false;
        }
      }
      return true;
    }, timeoutMs, "every agent current " + model + " -> " + version);
  }

  static void await(BooleanSupplier c, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!c.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }


  @Override
  public void close() {
    cluster.stop();
  }
}
