package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six agents in 2 zones x 3 racks pull one version through topology routing: every agent ends
 * byte-identical, peers serve most copies, and the transfer log shows each chunk entering each
 * rack from outside at most once (the crossing budget).
 */
@ExtendWith(VertxExtension.class)
class TopologyFanOutTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @Test
  void eachChunkEntersEachRackOnceAndSpreadsInsideIt(Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    CommittedVersion v1 = rollOut(vertx, plane, i -> "z" + (i % 2 + 1), i -> "r" + (i / 2 % 3 + 1),
        12 * MIB + 99, 4);
    int chunks = v1.manifest().distinctChunks().size();
    JsonArray transfers = AgentFixture.transfers(vertx, plane, 6 * chunks);
    assertEquals(6 * chunks, transfers.size(), "one logged transfer per chunk per agent");
    Map<String, Integer> crossings = new HashMap<>();
    int fromPeers = 0;
    long peerBytes = 0;
    for (Object o : transfers) {
      JsonObject t = (JsonObject) o;
      if (!t.getString("fromRack").equals(t.getString("toRack"))) {
        crossings.merge(t.getString("chunk") + " -> " + t.getString("toRack"), 1, Integer::sum);
      }
      boolean peer = !t.getString("fromRack").equals("origin");
      fromPeers += peer ? 1 : 0;
      peerBytes += peer ? v1.manifest().distinctChunks().get(Digest.parse(t.getString("chunk")))
          : 0;
    }
    crossings.forEach((key, n) -> assertEquals(1, n, "crossings of " + key));
    assertTrue(fromPeers >= 3 * chunks, "peers should serve at least half the copies, served "
        + fromPeers + " of " + transfers.size());
    // The operators' source mix agrees with the distributor's transfer log.
    JsonObject mix = sourceMix(vertx, plane);
    assertEquals(peerBytes, mix.getLong("peers"), "bytes from peers in " + mix);
    assertEquals(6 * v1.manifest().totalBytes() - peerBytes, mix.getLong("origin"),
        "bytes from the origin in " + mix);
    assertEquals(0L, mix.getLong("local"));
  }

  /**
   * Two racks of three agents (one zone), agents taking chunks as the distributor picks them
   * (crossings first, then what rack-mates hold): each chunk crosses into each rack exactly once,
   * and the other two copies in each rack come from rack-mates.
   */
  @Test
  void withRackMatesEachChunkCrossesOnceAndTheRestStaysInside(Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    CommittedVersion v1 = rollOut(vertx, plane, i -> "z1", i -> "r" + (i / 3 + 1), 16 * MIB + 7,
        3);
    int chunks = v1.manifest().distinctChunks().size();
    JsonArray transfers = AgentFixture.transfers(vertx, plane, 6 * chunks);
    assertEquals(6 * chunks, transfers.size(), "one logged transfer per chunk per agent");
    Map<String, Integer> crossings = new HashMap<>();
    int inside = 0;
    for (Object o : transfers) {
      JsonObject t = (JsonObject) o;
      if (t.getString("fromRack").equals(t.getString("toRack"))) {
        inside++;
      } else {
        crossings.merge(t.getString("chunk") + " -> " + t.getString("toRack"), 1, Integer::sum);
      }
    }
    assertEquals(2 * chunks, crossings.size(), "every chunk entered both racks: " + crossings);
    crossings.forEach((key, n) -> assertEquals(1, n, "crossings of " + key + " in "
        + transfers.stream().filter(o -> key.startsWith(((JsonObject) o).getString("chunk")))
            .toList()));
    assertEquals(4 * chunks, inside, "two of the three copies in each rack came from rack-mates");
  }

  /**
   * Six agents (agent i in zone {@code zone(i)}, rack {@code rack(i)}) pull m/v1 of
   * {@code bytes} (seed {@code seed}, 512 KiB chunks); every one ends current and byte-identical.
   */
  private CommittedVersion rollOut(Vertx vertx, ControlPlaneFixture plane,
      java.util.function.IntFunction<String> zone, java.util.function.IntFunction<String> rack,
      long bytes, long seed) {
    List<Path> data = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Path d = dir.resolve("agent-" + i);
      data.add(d);
      AgentConfig config = AgentConfig.defaults("gpu-" + i, zone.apply(i), rack.apply(i),
          plane.registryEndpoint(), d).withServer("127.0.0.1", 0).withFetch(4, 5_000, 5)
          .withRetryFailedMs(500);
      vertx.deployVerticle(new AgentVerticle(config)).await();
    }
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        bytes, seed, 512 * 1024);
    for (Path d : data) {
      awaitCurrent(d, "m", "v1", 60_000);
      assertIdentical(d, v1.manifest());
    }
    return v1;
  }

  /** The registry's source mix of m/v1 once all six nodes reported ACTIVE. */
  private static JsonObject sourceMix(Vertx vertx, ControlPlaneFixture plane) {
    JsonObject totals = AgentFixture.getJsonUntil(vertx, plane.registryPort(), "/v1/rollouts/m/v1",
        b -> b.getJsonObject("totals").getInteger("active") == 6, 10_000).getJsonObject("totals");
    assertEquals(6, totals.getInteger("active"), "active nodes in " + totals);
    return totals.getJsonObject("sourceMix");
  }
}
