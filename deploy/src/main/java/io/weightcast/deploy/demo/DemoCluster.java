package io.weightcast.deploy.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.agent.AgentConfig;
import io.weightcast.agent.AgentVerticle;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole Weightcast system in one process on loopback: a registry, a distributor registered with
 * it, and N agents spread over 2 zones x 2 racks. Each role is its own verticle on free ports.
 * Start and stop from the main thread.
 */
public final class DemoCluster {
  private final Vertx vertx;
  private final Path dir;
  private RegistryVerticle registry;
  private DistributorVerticle distributor;
  private final List<AgentVerticle> agents = new ArrayList<>();
  /** Deployment ids in start order; stopped in reverse, so agents flush before the registry goes. */
  private final List<String> deployments = new ArrayList<>();

  public DemoCluster(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  /** Starts every role and waits until the distributor's lease is visible to the registry. */
  public void start(int agentCount) {
    registry = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0, dir.resolve("registry")));
    deployments.add(vertx.deployVerticle(registry).await());
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    distributor = new DistributorVerticle(new DistributorConfig(0, "127.0.0.1",
        dir.resolve("dist"), registryEndpoint(), null, threads, 1));
    deployments.add(vertx.deployVerticle(distributor).await());
    awaitDistributorLease();
    for (int i = 1; i <= agentCount; i++) {
      String zone = "z" + ((i - 1) % 2 + 1);
      String rack = zone + "-r" + ((i - 1) / 2 % 2 + 1);
      AgentConfig config = AgentConfig.defaults(String.format("agent-%02d", i), zone, rack,
          registryEndpoint(), dir.resolve("agents").resolve(String.format("agent-%02d", i)))
          .withServer("127.0.0.1", 0);
      AgentVerticle agent = new AgentVerticle(config);
      deployments.add(vertx.deployVerticle(agent).await());
      agents.add(agent);
    }
  }

  public String registryEndpoint() {
    return "127.0.0.1:" + registry.actualPort();
  }

  public String distributorUrl() {
    return "http://127.0.0.1:" + distributor.actualPort();
  }

  public List<AgentVerticle> agents() {
    return List.copyOf(agents);
  }

  public void stop() {
    for (int i = deployments.size() - 1; i >= 0; i--) {
      vertx.undeploy(deployments.get(i)).await();
    }
    vertx.close().await();
  }

  private void awaitDistributorLease() {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      List<String> live = onContext(v -> {
        RegistryConnection conn = RegistryConnection.create(v, registryEndpoint());
        return conn.listDistributors().eventually(conn::closeAsync);
      });
      if (!live.isEmpty()) {
        return;
      }
      vertx.timer(100).await();
    }
    throw new Unavailable("the distributor did not register with the registry within 15 s");
  }

  private <T> T onContext(java.util.function.Function<Vertx, Future<T>> work) {
    return io.weightcast.deploy.cli.CliSupport.runOnContext(vertx, work);
  }
}
