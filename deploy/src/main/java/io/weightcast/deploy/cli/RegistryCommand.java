package io.weightcast.deploy.cli;

import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import io.weightcast.registry.cluster.RegistryCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weightcast registry}: commits and announces versions (gRPC + REST on one port). */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Run the registry: commits version manifests durably and announces them.")
public final class RegistryCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "7070", description = "Port for gRPC and REST (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--data", defaultValue = "./wc-data/registry", description = "Data directory holding the version log (default ${DEFAULT-VALUE}).")
  Path data;

  @Mixin
  ClusterOptions cluster;

  /** TLS, authorization and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      RegistryConfig config = new RegistryConfig(host, port, data);
      var joining = cluster.config();
      if (joining.isEmpty()) {
        return Servers.runUntilStopped(CliSupport.newServerVertx(), new RegistryVerticle(config, null,
            security.security()));
      }
      var member = ClusterOptions.join(joining.get());
      return Servers.runUntilStopped(member.vertx(),
          new RegistryVerticle(config, new RegistryCluster(member.hazelcast()),
              security.security()));
    });
  }
}
