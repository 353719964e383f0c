package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.testing.Scrape;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real registry, distributor and agent on loopback (a plain Vert.x, no
 * Vert.x metrics: each role's own meters must work without them), scraped over HTTP while a
 * version rolls out.
 */
@ExtendWith(VertxExtension.class)
class AgentMetricsTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private Path agentData;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    agentData = dir.resolve("agent");
  }

  @Test
  void aRolloutMovesTheCountersOfEveryRole(Vertx vertx) {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1",
        3 * MIB + 5, 1, MIB);
    int chunks = v1.manifest().chunkCount();
    awaitCurrent(agentData, "m", "v1", 20_000);
    awaitScrape(vertx, agent.actualPort(), s -> s.sum("weightcast_versions_activated_total") == 1,
        "v1 activated");
    ChunkSpec served = v1.manifest().files().get(0).chunks().get(0);
    assertEquals(200, get(vertx, agent.actualPort(), ChunkHttp.chunkPath(served.digest())));

    Scrape a = Scrape.of(vertx, agent.actualPort());
    assertEquals(PrometheusEndpoint.CONTENT_TYPE, a.contentType());
    assertEquals(chunks, a.sum("weightcast_chunks_verified_total"));
    assertEquals(chunks, a.sum("weightcast_chunks_verified_total", "source", "origin"));
    double fromOrigin = a.sum("weightcast_chunk_received_bytes_total", "source", "origin");
    assertTrue(fromOrigin > 0, "bytes received from the origin: " + fromOrigin);
    assertEquals(0, a.sum("weightcast_chunk_received_bytes_total", "source", "peer"));
    assertEquals(1, a.sum("weightcast_versions_activated_total"));
    assertEquals(1, a.sum("weightcast_time_to_active_seconds_count"));
    assertTrue(a.sum("weightcast_time_to_active_seconds_bucket", "le", "+Inf") >= 1);
    assertEquals(0, a.sum("weightcast_fetches_in_flight"));
    assertTrue(a.sum("weightcast_disk_free_bytes") > 0);
    assertEquals(1, a.sum("weightcast_chunks_served_total"));
    assertEquals(served.length(), a.sum("weightcast_chunk_served_bytes_total"));

    Scrape d = Scrape.of(vertx, plane.distributorPort());
    assertEquals(PrometheusEndpoint.CONTENT_TYPE, d.contentType());
    assertEquals(chunks, d.sum("weightcast_chunks_ingested_total", "result", "stored"));
    assertEquals(chunks, d.sum("weightcast_chunks_stored"));
    assertEquals(chunks, d.sum("weightcast_chunks_served_total"));
    assertEquals(fromOrigin, d.sum("weightcast_chunk_served_bytes_total"));
    assertTrue(d.sum("weightcast_disk_free_bytes") > 0);

    Scrape r = awaitScrape(vertx, plane.registryPort(),
        s -> s.sumOrZero("weightcast_rollout_nodes", "state", "active") == 1, "one node active");
    assertEquals(PrometheusEndpoint.CONTENT_TYPE, r.contentType());
    assertEquals(1, r.sum("weightcast_registry_versions_published_total"));
    assertEquals(1, r.sum("weightcast_registry_watch_streams_open"));
    assertEquals(1, r.sum("weightcast_registry_node_activations_total"));
    assertTrue(r.sum("weightcast_registry_progress_reports_total", "state", "fetching") >= 1);
    assertEquals(0, r.sum("weightcast_rollout_nodes", "state", "failed"));
    assertEquals(v1.manifest().totalBytes(), r.sum("weightcast_rollout_done_bytes"));
    assertEquals(v1.manifest().totalBytes(), r.sum("weightcast_rollout_size_bytes"));
  }

  @Test
  void aCorruptChunkAtTheOriginCountsDigestMismatches(Vertx vertx) throws Exception {
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001"));
    vertx.deployVerticle(agent).await();
    Path src = dir.resolve("src");
    ModelFixture.write(src, 2 * MIB, 7);
    Manifest m = ModelFixture.manifestOf(src, "m", "v1", MIB);
    plane.upload(m, src).await();
    Path frame = storedFrame(m.files().get(0).chunks().get(0));
    byte[] original = Files.readAllBytes(frame);
    byte[] corrupt = original.clone();
    for (int i = corrupt.length / 3; i < corrupt.length / 3 + 64; i++) {
      corrupt[i] ^= 0x5a;
    }
    Files.write(frame, corrupt);
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    ControlPlaneFixture.onContext(vertx, () -> registry.publish(m)).await();
    registry.close();

    Scrape failed = awaitScrape(vertx, agent.actualPort(), s -> s.sumOrZero(
        "weightcast_chunk_failures_total", "op", "fetch", "reason", "digest_mismatch") >= 3,
        "3 digest mismatches (one version attempt)");
    assertEquals(0, failed.sum("weightcast_versions_activated_total"));
    Scrape r = awaitScrape(vertx, plane.registryPort(),
        s -> s.sumOrZero("weightcast_rollout_nodes", "state", "failed") == 1, "the node failed");
    assertEquals(0, r.sum("weightcast_rollout_nodes", "state", "active"));

    Files.write(frame, original);
    awaitCurrent(agentData, "m", "v1", 20_000);
    // current flips on the disk pool; the agent counts the activation back on its context.
    Scrape repaired = awaitScrape(vertx, agent.actualPort(),
        s -> s.sum("weightcast_versions_activated_total") == 1, "v1 activated");
    assertEquals(m.chunkCount(), repaired.sum("weightcast_chunks_verified_total"));
    assertEquals(1, repaired.sum("weightcast_time_to_active_seconds_count"));
    assertEquals(0, repaired.sum("weightcast_fetches_in_flight"));
  }

  private static Scrape awaitScrape(Vertx vertx, int port, Predicate<Scrape> condition,
      String what) {
    Scrape[] last = new Scrape[1];
    AgentFixture.await(() -> {
      last[0] = Scrape.of(vertx, port);
      return condition.test(last[0]);
    }, 20_000, what + " on :" + port);
    return last[0];
  }

  private static int get(Vertx vertx, int port, String path) {
    HttpClient http = vertx.createHttpClient();
    try {
      return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET, port,
          "127.0.0.1", path).compose(req -> req.send()).compose(resp -> resp.body()
          .map(b -> resp.statusCode()))).await();
    } finally {
      http.close();
    }
  }

  private Path storedFrame(ChunkSpec c) throws Exception {
    try (var files = Files.walk(dir.resolve("dist"))) {
      return files.filter(p -> p.getFileName().toString().startsWith(c.digest().hex()))
          .findFirst().orElseThrow();
    }
  }
}
