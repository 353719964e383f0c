package io.weightcast.protocol.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  @Test
  void parsesCommaSeparatedMembers() {
    assertEquals(List.of("127.0.0.1:5701", "10.0.0.2"),
        ClusterConfig.parseMembers(" 127.0.0.1:5701, ,10.0.0.2 "));
    assertEquals(List.of(), ClusterConfig.parseMembers(""));
  }

  @Test
  void refusesBadNamesPortsRangesAndNoWayToJoin() {
    assertThrows(IllegalArgumentException.class,
        () -> new ClusterConfig("bad name", "127.0.0.1", 5701, List.of("127.0.0.1"), ""));
    assertThrows(IllegalArgumentException.class,
        () -> new ClusterConfig("wc", "127.0.0.1", 0, List.of("127.0.0.1"), ""));
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> new ClusterConfig("wc", "127.0.0.1", 5701, List.of("127.0.0.1:5701-5703"), ""));
    assertTrue(range.getMessage().contains("no ranges"), range.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> new ClusterConfig("wc", "127.0.0.1", 5701, List.of(), " "));
    assertTrue(none.getMessage().contains("--cluster-members"), none.getMessage());
  }

  @Test
  void tcpIpJoinWithMulticastAndAutoDetectionOffAndSyncBackups() {
    Config hz = ClusteredVertx.hazelcastConfig(new ClusterConfig("wc", "127.0.0.1", 5801,
        List.of("127.0.0.1:5801", "127.0.0.1:5802"), ""));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertEquals("0", hz.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals(1, hz.getMapConfig("weightcast.versions").getBackupCount());
    assertEquals(0, hz.getMapConfig("weightcast.versions").getAsyncBackupCount());
    assertEquals(1, hz.getMapConfig("__vertx.haInfo").getBackupCount(), "Vert.x maps kept");
  }

  @Test
  void kubernetesDiscoveryUsesTheServiceDns() {
    Config hz = ClusteredVertx.hazelcastConfig(new ClusterConfig("wc", "0.0.0.0", 5701,
        List.of(), "svc.ns.svc.cluster.local"));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("svc.ns.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
  }
}
