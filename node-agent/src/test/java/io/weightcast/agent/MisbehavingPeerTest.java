package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.TopologyHttp;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rack peer registered in the distributor's topology that holds "every chunk" but serves corrupt
 * bytes, truncated bodies, or stalls forever (a real HTTP/2 server, {@link MisbehavingPeer}). The
 * agent is offered that peer first; each chunk still arrives verified from the origin, the peer
 * is quarantined (visible in the distributor's nodes API), and the activated version is
 * byte-identical.
 */
@ExtendWith(VertxExtension.class)
class MisbehavingPeerTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(MisbehavingPeer.Fault.class)
  void fetchesEveryChunkVerifiedFromElsewhereAndQuarantinesTheBadPeer(
      MisbehavingPeer.Fault fault, Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path src = dir.resolve("src");
    ModelFixture.write(src, 4 * MIB + 11, 21);
    Manifest m = ModelFixture.manifestOf(src, "m", "v1", 256 * 1024);
    plane.upload(m, src).await();
    MisbehavingPeer peer = new MisbehavingPeer(vertx, fault, m);
    ControlPlaneFixture.onContext(vertx, () -> peer.listen()
        .compose(port -> peer.announce(plane.distributorPort()))).await();
    Path data = dir.resolve("agent");
    // A stall is detected after 1 s without bytes; a failed version is not retried in the test,
    // so only the per-chunk refetch can save it.
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, data, "gpu-001")
        .withFetch(8, 1_000, 3).withRetryFailedMs(600_000));
    vertx.deployVerticle(agent).await();
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    ControlPlaneFixture.onContext(vertx, () -> registry.publish(m)).await();
    registry.close();

    awaitCurrent(data, "m", "v1", 60_000);
    assertIdentical(data, m);
    assertTrue(peer.requests.get() >= 1, "the bad peer was offered and tried");
    JsonArray transfers = AgentFixture.transfers(vertx, plane, m.distinctChunks().size());
    assertEquals(m.distinctChunks().size(), transfers.size(), "one transfer per chunk");
    for (Object o : transfers) {
      assertEquals(plane.distributorUrl(), ((JsonObject) o).getString("from"),
          "every chunk came from the origin: " + o);
    }
    JsonObject bad = AgentFixture.getJsonUntil(vertx, plane.distributorPort(),
            TopologyHttp.NODES_PATH, b -> true, 0).getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(n -> n.getString("node").equals(MisbehavingPeer.NODE_ID)).findFirst()
        .orElseThrow();
    assertEquals(true, bad.getBoolean("quarantined"), "the bad peer is quarantined: " + bad);
    // `current` flips on the disk pool just before ACTIVE is reported on the agent's context.
    AgentFixture.await(() -> ControlPlaneFixture.onContext(vertx, () -> Future.succeededFuture(
        agent.progress().stream().filter(p -> p.version().equals("v1")).findFirst()
            .orElseThrow())).await().state() == NodeProgress.State.ACTIVE, 10_000,
        "v1 reported ACTIVE");
    ControlPlaneFixture.onContext(vertx, peer::close).await();
  }
}
