package io.weightcast.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.store.VersionLog;
import io.weightcast.registry.testing.ControlPlaneFixture;
import io.weightcast.registry.testing.RegistryProcessMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** WatchVersions: replay, live streaming, and resumption across registry crashes. */
@ExtendWith(VertxExtension.class)
class RegistryWatchTest {
  @TempDir Path dir;

  @Test
  void replaysFromASequenceThenStreamsLiveVersions(Vertx vertx) {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    List<Manifest> versions = uploadVersions(vertx, plane, 3);
    registry.publish(versions.get(0)).await();
    registry.publish(versions.get(1)).await();
    List<Long> fromZero = new CopyOnWriteArrayList<>();
    List<Long> fromOne = new CopyOnWriteArrayList<>();
    RegistryConnection.Watch w0 = registry.watch(0, List.of(), v -> fromZero.add(v.sequence()))
        .await();
    RegistryConnection.Watch w1 = registry.watch(1, List.of("m"), v -> fromOne.add(v.sequence()))
        .await();
    awaitSize(fromZero, 2);
    registry.publish(versions.get(2)).await();
    awaitSize(fromZero, 3);
    awaitSize(fromOne, 2);
    assertEquals(List.of(1L, 2L, 3L), fromZero);
    assertEquals(List.of(2L, 3L), fromOne);
    w0.cancel().run();
    w1.cancel().run();
    registry.close();
  }

  @Test
  void aVersionFsyncedBeforeACrashIsAnnouncedOnceAfterRestart(Vertx vertx) {
    Manifest m = ModelFixture.manifestOf(writeModel(dir.resolve("model"), 1), "m", "v1", 4096);
    try (VersionLog log = VersionLog.open(dir.resolve("registry"))) {
      log.append(CommittedVersion.of(m, 1, System.currentTimeMillis()));
    }
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.startRegistry(0).await();
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    List<CommittedVersion> seen = new CopyOnWriteArrayList<>();
    registry.watch(0, List.of(), seen::add).await();
    awaitSize(seen, 1);
    assertEquals(m, seen.get(0).manifest());
    List<CommittedVersion> again = new CopyOnWriteArrayList<>();
    registry.watch(1, List.of(), again::add).await();
    sleep(300);
    assertEquals(List.of(), again);
    assertEquals(1, seen.size());
    registry.close();
  }

  @Test
  void watcherResumesAcrossARegistryKilledWithSigkillWithoutGapsOrDuplicates(Vertx vertx)
      throws Exception {
    int port = freePort();
    Path registryData = dir.resolve("registry");
    Process child = startRegistryProcess(port, registryData);
    String endpoint = "127.0.0.1:" + port;
    try {
      ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir)
          .withExternalRegistry(endpoint);
      plane.startDistributor().await();
      RegistryConnection registry = RegistryConnection.create(vertx, endpoint);
      awaitLease(registry);
      ResumingWatcher watcher = new ResumingWatcher(vertx, registry);
      ControlPlaneFixture.onContext(vertx, () -> {
        watcher.connect();
        return Future.succeededFuture();
      }).await();
      List<Manifest> versions = uploadVersions(vertx, plane, 5);
      for (int i = 0; i < 3; i++) {
        registry.publish(versions.get(i)).await();
      }
      awaitSize(watcher.seen, 3);
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      child = startRegistryProcess(port, registryData);
      awaitLease(registry);
      for (int i = 3; i < 5; i++) {
        registry.publish(versions.get(i)).await();
      }
      awaitSize(watcher.seen, 5);
      sleep(300);
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), watcher.seen);
      assertTrue(watcher.reconnects > 0, "the watcher should have reconnected");
      registry.close();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A minimal resuming watcher: reconnects every 200 ms from the last sequence it saw. */
  private static final class ResumingWatcher {
    final List<Long> seen = new CopyOnWriteArrayList<>();
    volatile int reconnects;
    private final Vertx vertx;
    private final RegistryConnection registry;

    ResumingWatcher(Vertx vertx, RegistryConnection registry) {
      this.vertx = vertx;
      this.registry = registry;
    }

    void connect() {
      long from = seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
      registry.watch(from, List.of(), v -> seen.add(v.sequence()))
          .compose(RegistryConnection.Watch::done)
          .onComplete(ar -> {
            reconnects++;
            vertx.setTimer(200, t -> connect());
          });
    }
  }

  private List<Manifest> uploadVersions(Vertx vertx, ControlPlaneFixture plane, int n) {
    List<Manifest> out = new java.util.ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Path model = writeModel(dir.resolve("model-" + i), i);
      Manifest m = ModelFixture.manifestOf(model, "m", "v" + i, 64 * 1024);
      plane.upload(m, model).await();
      out.add(m);
    }
    return out;
  }

  private static Path writeModel(Path model, long seed) {
    ModelFixture.write(model, 200 * 1024 + seed, seed);
    return model;
  }

  private static Process startRegistryProcess(int port, Path data) throws IOException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        RegistryProcessMain.class.getName(), Integer.toString(port), data.toString())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("READY")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IllegalStateException("registry process exited: " + p.exitValue());
  }

  private static void awaitLease(RegistryConnection registry) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (!registry.listDistributors().await().isEmpty()) {
          return;
        }
      } catch (RuntimeException e) {
        // registry still starting
      }
      sleep(100);
    }
    throw new AssertionError("no distributor lease within 20 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void awaitSize(List<?> list, int size) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (list.size() < size && System.currentTimeMillis() < deadline) {
      sleep(20);
    }
    assertEquals(size, list.size(), "items: " + list);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
