package io.weightcast.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.testing.Scrape;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The registry's {@code GET /metrics}, scraped over HTTP while versions and reports arrive. */
@ExtendWith(VertxExtension.class)
class RegistryMetricsTest {
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private RegistryConnection registry;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    registry = RegistryConnection.create(vertx, plane.registryEndpoint());
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void countsPublishedVersionsAndOpenWatchStreamsUntilTheyClose(Vertx vertx) {
    publish(vertx, "v1", 1);
    publish(vertx, "v2", 2);
    RegistryConnection.Watch watch = on(vertx, () -> registry.watch(0, List.of(), v -> { }));
    Scrape open = await(vertx, s -> s.sum("weightcast_registry_watch_streams_open") == 1,
        "one watch open");
    assertEquals(2, open.sum("weightcast_registry_versions_published_total"));
    watch.cancel().run();
    await(vertx, s -> s.sum("weightcast_registry_watch_streams_open") == 0, "the watch closed");
  }

  @Test
  void countsReportsByStateAndEachNodeActivationOnce(Vertx vertx) {
    publish(vertx, "v1", 1);
    publish(vertx, "v2", 2);
    report(vertx, "n1", "v2", State.FETCHING, 0);
    report(vertx, "n1", "v2", State.ACTIVE, 1);
    report(vertx, "n1", "v2", State.ACTIVE, 1);
    report(vertx, "n2", "v2", State.FAILED, 0);
    report(vertx, "n3", "v1", State.ACTIVE, 1);
    Scrape s = Scrape.of(vertx, plane.registryPort());
    assertEquals(1, s.sum("weightcast_registry_progress_reports_total", "state", "fetching"));
    assertEquals(3, s.sum("weightcast_registry_progress_reports_total", "state", "active"));
    assertEquals(1, s.sum("weightcast_registry_progress_reports_total", "state", "failed"));
    assertEquals(2, s.sum("weightcast_registry_node_activations_total"), "n1 once, n3 once");
    // Only the newest version of the model counts toward completion: n3 is on v1.
    assertEquals(1, s.sum("weightcast_rollout_nodes", "state", "active"));
    assertEquals(1, s.sum("weightcast_rollout_nodes", "state", "failed"));
    assertEquals(2, s.sum("weightcast_rollout_nodes"));
    assertEquals(2, s.sum("weightcast_rollout_size_bytes"));
    assertEquals(1, s.sum("weightcast_rollout_done_bytes"));
  }

  private void publish(Vertx vertx, String version, long seed) {
    Path src = dir.resolve("src-" + version);
    ModelFixture.write(src, 64 * 1024, seed);
    Manifest m = ModelFixture.manifestOf(src, "m", version, 16 * 1024);
    plane.upload(m, src).await();
    on(vertx, () -> registry.publish(m));
  }

  private void report(Vertx vertx, String node, String version, State state, long done) {
    on(vertx, () -> registry.reportProgress(new NodeProgress(node, "z1", "r1", "m", version,
        state, done, 1, done, 1, 0, "", "", state == State.ACTIVE, System.currentTimeMillis())));
  }

  private static <T> T on(Vertx vertx, Supplier<Future<T>> call) {
    return ControlPlaneFixture.onContext(vertx, call).await();
  }

  private Scrape await(Vertx vertx, Predicate<Scrape> condition, String what) {
    long deadline = System.currentTimeMillis() + 20_000;
    Scrape last = Scrape.of(vertx, plane.registryPort());
    while (!condition.test(last)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last scrape " + last);
      }
      vertx.timer(50).await();
      last = Scrape.of(vertx, plane.registryPort());
    }
    return last;
  }
}
