package io.weightcast.deploy.cli;

import io.weightcast.registry.RegistryConfig;
import io.weightcast.protocol.wire.Sizes;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.limits.PublishLimits;
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

  @Option(names = "--max-manifest-bytes", defaultValue = "32MiB", description = "Largest manifest message one publish may send (default ${DEFAULT-VALUE}).")
  String maxManifestBytes;

  @Option(names = "--max-files", defaultValue = "100000", description = "Most files in one version (default ${DEFAULT-VALUE}).")
  int maxFiles;

  @Option(names = "--max-path-length", defaultValue = "1024", description = "Longest file path, in characters (default ${DEFAULT-VALUE}).")
  int maxPathLength;

  @Option(names = "--max-chunk-size", defaultValue = "256MiB", description = "Largest chunk a manifest may name (default ${DEFAULT-VALUE}).")
  String maxChunkSize;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      io.weightcast.protocol.security.Security serving = security.serving("registry", host);
      RegistryConfig config = new RegistryConfig(host, port, data, new PublishLimits(
          Sizes.parse(maxManifestBytes), maxFiles, maxPathLength, Sizes.parse(maxChunkSize)));
      var joining = cluster.config();
      if (joining.isEmpty()) {
        return Servers.runUntilStopped(CliSupport.newServerVertx(), new RegistryVerticle(config, null,
            serving));
      }
      var member = ClusterOptions.join(joining.get());
      return Servers.runUntilStopped(member.vertx(),
          new RegistryVerticle(config, new RegistryCluster(member.hazelcast()), serving));
    });
  }
}
