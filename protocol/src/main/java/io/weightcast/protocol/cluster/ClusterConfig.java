package io.weightcast.protocol.cluster;

import java.util.List;
import java.util.Objects;

/**
 * How a registry or distributor joins the Weightcast control-plane cluster (Hazelcast under the
 * Vert.x cluster manager). Join is TCP-IP on {@code members} ("host" or "host:port"), or
 * Kubernetes DNS discovery when {@code kubernetesServiceDns} is set; multicast and auto-detection
 * are always off.
 *
 * @param name cluster name: members with another name never join (one per deployment or test)
 * @param host address this member binds and advertises (Hazelcast and the clustered event bus)
 * @param port Hazelcast member port (no auto-increment: a taken port fails the start)
 * @param members seed members for TCP-IP join; may include this member
 * @param kubernetesServiceDns headless service DNS name for Kubernetes discovery, or "" for none
 */
public record ClusterConfig(String name, String host, int port, List<String> members,
    String kubernetesServiceDns) {
  public static final int DEFAULT_PORT = 5701;

  public ClusterConfig {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("cluster name must be 1-64 of [A-Za-z0-9._-]: '" + name
          + "'");
    }
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be in [1, 65535], got " + port);
    }
    members = List.copyOf(members == null ? List.of() : members);
    for (String m : members) {
      if (m.isBlank() || m.contains(",") || m.contains("-")) {
        throw new IllegalArgumentException("cluster member must be host or host:port (no ranges):"
            + " '" + m + "'");
      }
    }
    kubernetesServiceDns = kubernetesServiceDns == null ? "" : kubernetesServiceDns.strip();
    if (members.isEmpty() && kubernetesServiceDns.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs --cluster-members or"
          + " --cluster-k8s-service-dns");
    }
  }

  /** Parses a comma-separated member list ("127.0.0.1:5701,127.0.0.1:5702"). */
  public static List<String> parseMembers(String csv) {
    if (csv == null || csv.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .toList();
  }
}
