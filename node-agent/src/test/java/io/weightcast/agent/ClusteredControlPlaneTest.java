package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.cluster.ClusteredVertx;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.cluster.RegistryCluster;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The clustered control plane on loopback: a real 3-member Hazelcast cluster (2 registries and
 * 1 distributor, each on its own clustered Vert.x) and 6 agents in 2 zones x 3 racks that know
 * both registries. The leader registry is killed (its Vert.x closed) while version 1 rolls out;
 * version 1 still completes, version 2 is published through the surviving registry, and every
 * agent ends byte-identical on both, having seen sequences 1 and 2 exactly once each.
 */
@Tag("cluster")
class ClusteredControlPlaneTest extends ClusterTestSupport {
  private static final long MIB = 1024 * 1024;
  @Test
  void rolloutSurvivesTheLossOfTheLeaderRegistry() throws Exception {
    String name = "wc-test-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> hzPorts = ClusterTestSupport.freePorts(3);
    List<String> members = ClusterTestSupport.members(hzPorts);
    ClusteredVertx.Member a = join(name, hzPorts.get(0), members);
    RegistryCluster clusterA = new RegistryCluster(a.hazelcast());
    RegistryVerticle registryA = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve("registry-a")), clusterA);
    a.vertx().deployVerticle(registryA).await();
    AgentFixture.await(clusterA::leading, 15_000, "registry A to take the lease");
    ClusteredVertx.Member b = join(name, hzPorts.get(1), members);
    RegistryCluster clusterB = new RegistryCluster(b.hazelcast());
    RegistryVerticle registryB = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve("registry-b")), clusterB);
    b.vertx().deployVerticle(registryB).await();
    String registries = "127.0.0.1:" + registryA.actualPort() + ",127.0.0.1:"
        + registryB.actualPort();
    ClusteredVertx.Member d = join(name, hzPorts.get(2), members);
    ControlPlaneFixture plane = new ControlPlaneFixture(d.vertx(), dir)
        .withExternalRegistry(registries);
    plane.startDistributor().await();
    plane.awaitLease().await();
    Vertx agents = Vertx.vertx();
    toClose.add(agents);
    assertEquals(List.of(plane.distributorUrl()), ClusterTestSupport.distributorsSeenBy(agents,
        "127.0.0.1:" + registryB.actualPort(), 1), "the follower knows the distributor's lease");

    List<Path> data = new ArrayList<>();
    List<List<Long>> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Path d2 = dir.resolve("agent-" + i);
      data.add(d2);
      List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
      seen.add(sequences);
      AgentConfig config = AgentConfig.defaults("gpu-" + i, "z" + (i % 2 + 1),
          "r" + (i / 2 % 3 + 1), registries, d2).withServer("127.0.0.1", 0)
          .withFetch(4, 5_000, 5).withRetryFailedMs(500);
      agents.deployVerticle(new AgentVerticle(config)
          .tapAnnouncements(v -> sequences.add(v.sequence()))).await();
    }

    CommittedVersion v1 = AgentFixture.publish(agents, plane, dir.resolve("src1"), "m", "v1",
        24 * MIB + 99, 4, 512 * 1024);
    assertEquals(1, v1.sequence());
    int activeAtKill = ClusterTestSupport.countCurrent(data, "m", "v1");
    a.vertx().close().await();
    toClose.remove(a.vertx());
    System.out.println("leader registry killed with " + activeAtKill + " of 6 agents active");
    for (Path p : data) {
      awaitCurrent(p, "m", "v1", 60_000);
      assertIdentical(p, v1.manifest());
    }

    AgentFixture.await(clusterB::leading, 15_000, "registry B to take the lease");
    CommittedVersion v2 = AgentFixture.publish(agents, plane, dir.resolve("src2"), "m", "v2",
        8 * MIB + 7, 5, 512 * 1024);
    assertEquals(2, v2.sequence(), "the new leader continues the sequence");
    for (Path p : data) {
      awaitCurrent(p, "m", "v2", 60_000);
      assertIdentical(p, v2.manifest());
    }
    for (int i = 0; i < 6; i++) {
      assertEquals(List.of(1L, 2L), List.copyOf(seen.get(i)), "announcements seen by gpu-" + i);
    }
    int chunks = v1.manifest().distinctChunks().size() + v2.manifest().distinctChunks().size();
    ClusterTestSupport.assertCrossingsBounded(AgentFixture.transfers(agents, plane, 6 * chunks),
        List.of(v1, v2));
  }
}
