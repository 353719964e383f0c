package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an agent (a child JVM) at several points of a transfer: after each restart it
 * resumes from its journal, and in the end the files are identical. A watcher thread checks
 * throughout that {@code current} only ever names a complete version.
 */
@ExtendWith(VertxExtension.class)
class AgentCrashTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @Test
  void resumesAfterSigkillAtSeveralPointsAndNeverExposesAHalfVersion(Vertx vertx)
      throws Exception {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path data = dir.resolve("agent");
    Process agent = startAgent(plane.registryEndpoint(), data);
    CurrentWatcher watcher = null;
    try {
      CommittedVersion v1 = AgentFixture.publish(vertx, plane, dir.resolve("src1"), "m", "v1",
          2 * MIB, 1, 256 * 1024);
      awaitCurrent(data, "m", "v1", 30_000);
      watcher = new CurrentWatcher(data, Map.of("v1", v1.manifest()));
      Path src2 = dir.resolve("src2");
      io.weightcast.protocol.testing.ModelFixture.write(src2, 48 * MIB, 2);
      Manifest m2 = io.weightcast.protocol.testing.ModelFixture.manifestOf(src2, "m", "v2",
          128 * 1024);
      watcher.expect("v2", m2);
      watcher.start();
      plane.upload(m2, src2).await();
      io.weightcast.protocol.wire.RegistryConnection registry =
          io.weightcast.protocol.wire.RegistryConnection.create(vertx, plane.registryEndpoint());
      ControlPlaneFixture.onContext(vertx, () -> registry.publish(m2)).await();
      registry.close();
      int kills = 0;
      for (long delay : new long[] {150, 400, 700, 1000, 1500}) {
        Thread.sleep(delay);
        if (AgentFixture.current(data, "m").orElse("").equals("v2")) {
          break;
        }
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        kills++;
        agent = startAgent(plane.registryEndpoint(), data);
      }
      awaitCurrent(data, "m", "v2", 60_000);
      assertIdentical(data, m2);
      assertIdentical(data, v1.manifest());
      assertTrue(kills >= 2, "the agent should have been killed mid-transfer, kills=" + kills);
      watcher.finish();
      assertEquals(List.of(), watcher.violations);
      assertTrue(watcher.checks > 10, "the watcher should have looked often: " + watcher.checks);
    } finally {
      if (watcher != null) {
        watcher.finish();
      }
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Process startAgent(String registry, Path data) throws IOException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        AgentProcessMain.class.getName(), registry, data.toString(), "gpu-crash")
        .redirectErrorStream(true).redirectOutput(data.getParent().resolve("agent-out.log")
            .toFile()).start();
    Path log = data.getParent().resolve("agent-out.log");
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
    Files.delete(log);
    return p;
  }

  /** Reads {@code current} in a loop; a version it names must have every file at full size. */
  private static final class CurrentWatcher extends Thread {
    final List<String> violations = new CopyOnWriteArrayList<>();
    volatile int checks;
    private volatile boolean running = true;
    private final Path data;
    private final Map<String, Manifest> versions = new ConcurrentHashMap<>();

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
        try {
          Path target = link.toRealPath();
          Manifest m = versions.get(target.getFileName().toString());
          if (m == null) {
            violations.add("current names an unknown version " + target);
          } else {
            for (FileEntry f : m.files()) {
              if (Files.size(target.resolve(f.path())) != f.size()) {
                violations.add("current " + target + " has a short " + f.path());
              }
            }
          }
          checks++;
        } catch (IOException e) {
          // a link swap in progress or a deleted old version: look again
        }
        AgentFixture.sleep(5);
      }
    }

    void finish() throws InterruptedException {
      running = false;
      join(5_000);
    }
  }
}
