package io.weightcast.protocol.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds a clustered Vert.x instance on Hazelcast from a {@link ClusterConfig}: the Vert.x
 * default cluster config (its {@code __vertx.*} maps) plus TCP-IP or Kubernetes join, multicast
 * and auto-detection off, no join wait, and the {@code weightcast.*} maps with one synchronous
 * backup (so any one member can be lost without losing an entry).
 */
public final class ClusteredVertx {
  /** A clustered Vert.x and the Hazelcast member under it (closed with the Vert.x). */
  public record Member(Vertx vertx, HazelcastInstance hazelcast) {}

  private ClusteredVertx() {}

  public static Future<Member> start(ClusterConfig cluster, VertxOptions options) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster));
    VertxOptions opts = new VertxOptions(options).setEventBusOptions(new EventBusOptions(
        options.getEventBusOptions()).setHost(cluster.host()).setClusterPublicHost(cluster.host()));
    return Vertx.builder().with(opts).withClusterManager(manager).buildClustered()
        .map(v -> new Member(v, manager.getHazelcastInstance()));
  }

  public static Config hazelcastConfig(ClusterConfig cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(false);
    if (!cluster.host().equals("0.0.0.0")) {
      net.setPublicAddress(cluster.host());
      net.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesServiceDns().isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    } else {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", Integer.toString(cluster.port()));
    }
    hz.addMapConfig(new MapConfig("weightcast.*").setBackupCount(1).setAsyncBackupCount(0));
    return hz;
  }
}
