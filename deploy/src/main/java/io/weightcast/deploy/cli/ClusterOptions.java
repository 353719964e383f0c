package io.weightcast.deploy.cli;

import io.vertx.core.VertxOptions;
import io.weightcast.protocol.cluster.ClusterConfig;
import io.weightcast.protocol.cluster.ClusteredVertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --cluster-*} options shared by {@code registry} and {@code distributor}. Without
 * {@code --cluster-members} or {@code --cluster-k8s-service-dns} the role runs alone, exactly as
 * before.
 */
public final class ClusterOptions {
  @Option(names = "--cluster-members", description = "Join a Hazelcast cluster over TCP-IP: comma-separated seed members host[:port] (may include this one), e.g. 10.0.0.1:5701,10.0.0.2:5701.")
  String members;

  @Option(names = "--cluster-k8s-service-dns", description = "Join through Kubernetes DNS discovery: the headless Service's DNS name (instead of --cluster-members).")
  String kubernetesServiceDns;

  @Option(names = "--cluster-port", defaultValue = "5701", description = "Hazelcast member port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--cluster-name", defaultValue = "weightcast", description = "Cluster name; members with another name never join (default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--cluster-host", description = "Address this member binds and advertises to the cluster (default: this host's address).")
  String host;

  /** The cluster to join, or empty to run alone. */
  public Optional<ClusterConfig> config() {
    boolean k8s = kubernetesServiceDns != null && !kubernetesServiceDns.isBlank();
    if ((members == null || members.isBlank()) && !k8s) {
      return Optional.empty();
    }
    return Optional.of(new ClusterConfig(name, host != null ? host : localAddress(), port,
        ClusterConfig.parseMembers(members), kubernetesServiceDns));
  }

  /** Starts the clustered Vert.x (blocks the CLI's main thread until joined). */
  public static ClusteredVertx.Member join(ClusterConfig cluster) {
    return ClusteredVertx.start(cluster, new VertxOptions().setPreferNativeTransport(false))
        .await();
  }

  private static String localAddress() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
