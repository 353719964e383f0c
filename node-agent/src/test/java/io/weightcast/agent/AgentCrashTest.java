package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.assemble.DataLayout;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 (SIGKILL through {@link Process#destroyForcibly}) of an agent in a child JVM at 10
 * points spread over a transfer: trial k publishes a new version and kills the agent once its
 * journal holds k/10 of the chunks (k = 0: the staging dir and journal exist, nothing written
 * yet). After each restart the agent resumes from its journal and the version ends byte-identical,
 * 10 out of 10. A watcher thread checks throughout that {@code current} only ever names a version
 * whose every file is complete and matches its digest.
 */
@ExtendWith(VertxExtension.class)
class AgentCrashTest {
  private static final long MIB = 1024 * 1024;
  private static final int TRIALS = 10;
  @TempDir Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(value = 240)
  void resumesAfterSigkillAtTenPointsAndNeverExposesAHalfVersion(Vertx vertx) throws Exception {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path data = dir.resolve("agent");
    DataLayout layout = new DataLayout(data);
    Process agent = startAgent(plane.registryEndpoint(), data);
    CurrentWatcher watcher = null;
    List<String> killPoints = new ArrayList<>();
    try {
      CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1",
          2 * MIB, 1, 256 * 1024);
      awaitCurrent(data, "m", "v1", 30_000);
      watcher = new CurrentWatcher(data, Map.of("v1", v1.manifest()));
      watcher.start();
      for (int k = 0; k < TRIALS; k++) {
        String version = "v" + (k + 2);
        Path src = dir.resolve("src-" + version);
        io.weightcast.protocol.testing.ModelFixture.write(src, 8 * MIB + k * 4099, 10 + k);
        Manifest m = io.weightcast.protocol.testing.ModelFixture.manifestOf(src, "m", version,
            256 * 1024);
        watcher.expect(version, m);
        plane.upload(m, src).await();
        publish(vertx, plane, m);
        Path journal = layout.journal("m", version);
        long target = (long) m.chunkCount() * k / TRIALS;
        long seen = awaitJournal(journal, target, data, version);
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        killPoints.add(version + ": " + seen + "/" + m.chunkCount());
        assertTrue(seen >= 0, version + " was complete before the kill at " + target + "/"
            + m.chunkCount() + " (kill points so far " + killPoints + ")");
        long t0 = System.nanoTime();
        agent = startAgent(plane.registryEndpoint(), data);
        long ready = (System.nanoTime() - t0) / 1_000_000;
        awaitCurrent(data, "m", version, 60_000);
        assertIdentical(data, m);
        System.out.printf("AgentCrashTest: killed %s at %d/%d chunks, ready in %d ms, current"
            + " in %d ms%n", version, seen, m.chunkCount(), ready, (System.nanoTime() - t0) / 1_000_000);
      }
      watcher.finish();
      assertEquals(List.of(), watcher.violations, "kill points " + killPoints);
      assertTrue(watcher.checks > TRIALS, "the watcher should have looked often: "
          + watcher.checks);
      assertEquals(TRIALS, killPoints.size(), "kill points " + killPoints);
    } finally {
      agent.destroyForcibly();
      if (watcher != null) {
        watcher.stopSoon();
      }
    }
  }

  private static void publish(Vertx vertx, ControlPlaneFixture plane, Manifest m) {
    io.weightcast.protocol.wire.RegistryConnection registry =
        io.weightcast.protocol.wire.RegistryConnection.create(vertx, plane.registryEndpoint());
    try {
      ControlPlaneFixture.onContext(vertx, () -> registry.publish(m)).await();
    } finally {
      registry.close();
    }
  }

  /**
   * Polls {@code journal} until it holds at least {@code target} records; answers how many it
   * held, or -1 when the version became current first (the kill point was missed).
   */
  private static long awaitJournal(Path journal, long target, Path data, String version) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        long records = (Files.size(journal) - 44) / 12;
        if (records >= target) {
          return records;
        }
      } catch (IOException e) {
        // not created yet, or just deleted by the publish
      }
      if (AgentFixture.current(data, "m").orElse("").equals(version)) {
        return -1;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the journal of " + version + " never reached " + target);
  }

  private static int starts;

  private static Process startAgent(String registry, Path data) throws IOException {
    Path log = data.getParent().resolve("agent-out-" + starts++ + ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        AgentProcessMain.class.getName(), registry, data.toString(), "gpu-crash")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    AgentFixture.await(() -> {
      try {
        return Files.exists(log) && Files.readString(log).contains("READY") || !p.isAlive();
      } catch (IOException e) {
        return false;
      }
    }, 30_000, "agent process ready");
    if (!p.isAlive()) {
      throw new IllegalStateException("agent process exited: " + Files.readString(log));
    }
    return p;
  }

  /**
   * Reads {@code current} in a loop: once it exists it must always resolve, to a version whose
   * every file has its manifest size and SHA-256.
   */
  private static final class CurrentWatcher extends Thread {
    final List<String> violations = new CopyOnWriteArrayList<>();
    volatile int checks;
    private volatile boolean running = true;
    private final Path data;
    private final Map<String, Manifest> versions = new ConcurrentHashMap<>();
    /** Versions already hashed while current (published versions are immutable: sizes after). */
    private final java.util.Set<String> hashed = new java.util.HashSet<>();

    CurrentWatcher(Path data, Map<String, Manifest> known) {
      this.data = data;
      this.versions.putAll(known);
      setDaemon(true);
    }

    void expect(String version, Manifest m) {
      versions.put(version, m);
    }

    @Override
    public void run() {
      Path link = data.resolve("models").resolve("m").resolve("current");
      while (running) {
        String seen = AgentFixture.current(data, "m").orElse(null);
        if (seen == null) {
          violations.add("current is missing or not a link");
        } else {
          check(link.resolveSibling(seen), seen);
        }
        checks++;
        AgentFixture.sleep(2);
      }
    }

    private void check(Path versionDir, String version) {
      Manifest m = versions.get(version);
      if (m == null) {
        violations.add("current names an unknown version " + version);
        return;
      }
      for (FileEntry f : m.files()) {
        Path file = versionDir.resolve(f.path());
        try {
          if (Files.size(file) != f.size()
              || !hashed.contains(version) && !Digest.ofFile(file).equals(f.digest())) {
            violations.add("current -> " + version + " has an incomplete " + f.path());
          }
        } catch (IOException e) {
          // Retention may delete a version that current left while we read it; only a version
          // that is still current must be readable.
          if (AgentFixture.current(data, "m").orElse("").equals(version)) {
            violations.add("current -> " + version + " cannot be read: " + e);
          }
        }
      }
      hashed.add(version);
    }

    void finish() throws InterruptedException {
      running = false;
      join(5_000);
    }

    void stopSoon() {
      running = false;
    }
  }
}
