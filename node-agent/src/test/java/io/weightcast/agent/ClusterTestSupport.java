package io.weightcast.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.cluster.ClusterConfig;
import io.weightcast.protocol.cluster.ClusteredVertx;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the multi-node cluster tests (real Hazelcast members on loopback): a temporary
 * directory, the Vert.x instances to close after each test (newest first), and helpers.
 */
abstract class ClusterTestSupport {
  @TempDir Path dir;
  final List<Vertx> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() {
    Collections.reverse(toClose);
    for (Vertx v : toClose) {
      v.close().await();
    }
  }

  /** A clustered Vert.x on Hazelcast port {@code port}, closed after the test. */
  ClusteredVertx.Member join(String name, int port, List<String> members) {
    return join(name, port, members, toClose);
  }

  /** A clustered Vert.x on Hazelcast port {@code port}, added to {@code toClose}. */
  static ClusteredVertx.Member join(String name, int port, List<String> members,
      List<Vertx> toClose) {
    ClusteredVertx.Member m = ClusteredVertx.start(new ClusterConfig(name, "127.0.0.1", port,
        members, ""), new VertxOptions()).await();
    toClose.add(m.vertx());
    return m;
  }

  /** {@code n} free ports and the member list naming them on 127.0.0.1. */
  static List<Integer> freePorts(int n) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        out.add(s.getLocalPort());
      }
    }
    return out;
  }

  static List<String> members(List<Integer> ports) {
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /**
   * Each chunk entered each rack from outside at most once per version holding it (the crossing
   * budget; a chunk in two versions may be fetched again for the second).
   */
  static void assertCrossingsBounded(JsonArray transfers, List<CommittedVersion> versions) {
    Map<String, Integer> versionsHolding = new HashMap<>();
    for (CommittedVersion v : versions) {
      v.manifest().distinctChunks().keySet()
          .forEach(c -> versionsHolding.merge(c.hex(), 1, Integer::sum));
    }
    Map<String, Integer> crossings = new HashMap<>();
    for (Object o : transfers) {
      JsonObject t = (JsonObject) o;
      if (!t.getString("fromRack").equals(t.getString("toRack"))) {
        crossings.merge(t.getString("chunk") + " -> " + t.getString("toRack"), 1, Integer::sum);
      }
    }
    assertTrue(!crossings.isEmpty(), "some chunks crossed into racks");
    crossings.forEach((key, n) -> assertTrue(
        n <= versionsHolding.getOrDefault(key.substring(0, key.indexOf(' ')), 1),
        "crossings of " + key + ": " + n));
  }

  static int countCurrent(List<Path> data, String model, String version) {
    int n = 0;
    for (Path p : data) {
      n += AgentFixture.current(p, model).map(version::equals).orElse(false) ? 1 : 0;
    }
    return n;
  }

  /** The distributors {@code registry} lists, once it lists {@code expected} (or after 10 s). */
  static List<String> distributorsSeenBy(Vertx vertx, String registry, int expected) {
    RegistryConnection conn = RegistryConnection.create(vertx, registry);
    try {
      long deadline = System.currentTimeMillis() + 10_000;
      List<String> live;
      do {
        live = ControlPlaneFixture.onContext(vertx, conn::listDistributors).await();
        AgentFixture.sleep(100);
      } while (live.size() < expected && System.currentTimeMillis() < deadline);
      return live;
    } finally {
      conn.close();
    }
  }
}
