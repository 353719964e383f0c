package io.weightcast.deploy.cli;

import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorLimits;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.limits.Bandwidth;
import io.weightcast.protocol.wire.Sizes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weightcast distributor}: ingests and serves chunks over HTTP/2. */
@Command(name = "distributor", mixinStandardHelpOptions = true,
    description = "Run a distributor: ingests chunks (verify, zstd once) and serves them over HTTP/2.")
public final class DistributorCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "7080", description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--data", defaultValue = "./wc-data/dist", description = "Chunk store directory (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--registry", description = "Registry host:port to register with; several (host:port,host:port) for a cluster of registries, tried in turn.")
  String registry;

  @Option(names = "--advertise", description = "URL agents and the registry use to reach this distributor (default http://<host>:<port>, with localhost for 0.0.0.0).")
  String advertise;

  @Option(names = "--ingest-threads", defaultValue = "0", description = "Threads that verify and compress uploads (default: cores).")
  int ingestThreads;

  @Option(names = "--zstd-level", defaultValue = "1", description = "zstd level for stored chunks (default ${DEFAULT-VALUE}).")
  int zstdLevel;

  @Option(names = "--max-egress", defaultValue = "off", description = "Cap on chunk bytes served, all streams together, e.g. 1GB/s (binary units; default ${DEFAULT-VALUE}).")
  String maxEgress;

  @Option(names = "--max-uploads-per-client", defaultValue = "256", description = "Uploads one client address may have in flight; more get 429 (default ${DEFAULT-VALUE}).")
  int maxUploadsPerClient;

  @Option(names = "--max-chunk-size", defaultValue = "256MiB", description = "Largest chunk upload accepted; larger get 413 (default ${DEFAULT-VALUE}).")
  String maxChunkSize;

  @Option(names = "--rack-crossings", defaultValue = "auto", description = "At most this many chunks crossing into one rack at once, so each lands early and spreads inside the rack while the next ones cross; never for a node alone in its rack. auto: max(2, ceil(3/4 of the rack's live nodes)) (a small cap starves big racks); 0: no cap (default ${DEFAULT-VALUE}).")
  String rackCrossings;

  /** Joining makes it a member: the registries share its lease, and its topology is the cluster's. */
  @Mixin
  ClusterOptions cluster;

  /** TLS, authorization and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      io.weightcast.protocol.security.Security serving = security.serving("distributor", host);
      int threads = ingestThreads > 0 ? ingestThreads : Runtime.getRuntime().availableProcessors();
      String url = advertise != null ? advertise
          : serving.tls().scheme() + "://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":" + port;
      var joining = cluster.config();
      return Servers.runUntilStopped(joining.isEmpty() ? CliSupport.newServerVertx()
          : ClusterOptions.join(joining.get()).vertx(), new DistributorVerticle(
          new DistributorConfig(port, host, data, registry, url, threads, zstdLevel,
              new DistributorLimits(Bandwidth.parse(maxEgress), maxUploadsPerClient,
                  Sizes.parse(maxChunkSize))).withRackCrossings(io.weightcast.protocol.topology.CrossingCap.parse(rackCrossings)),
          serving));
    });
  }
}
