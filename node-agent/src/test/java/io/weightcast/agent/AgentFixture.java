package io.weightcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Helpers for agent tests: publish real models through a real control plane, await outcomes. */
final class AgentFixture {
  private AgentFixture() {}

  /** Writes a model, uploads its chunks, publishes it; answers the committed version. */
  static CommittedVersion publish(Vertx vertx, ControlPlaneFixture plane, Path modelDir,
      String model, String version, long bytes, long seed, long chunkSize) {
    ModelFixture.write(modelDir, bytes, seed);
    Manifest m = ModelFixture.manifestOf(modelDir, model, version, chunkSize);
    plane.upload(m, modelDir).await();
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    try {
      return ControlPlaneFixture.onContext(vertx, () -> registry.publish(m)).await().version();
    } finally {
      registry.close();
    }
  }

  /**
   * GETs the JSON at {@code path} on loopback {@code port} (from a Vert.x context) every 100 ms
   * until {@code done} holds or {@code timeoutMs} passes; answers the last body either way.
   */
  static io.vertx.core.json.JsonObject getJsonUntil(Vertx vertx, int port, String path,
      java.util.function.Predicate<io.vertx.core.json.JsonObject> done, long timeoutMs) {
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    try {
      long deadline = System.currentTimeMillis() + timeoutMs;
      io.vertx.core.json.JsonObject out;
      do {
        out = ControlPlaneFixture.onContext(vertx, () -> http.request(
                io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", path)
            .compose(req -> req.send()).compose(resp -> resp.body())
            .map(io.vertx.core.buffer.Buffer::toJsonObject)).await();
        if (done.test(out)) {
          return out;
        }
        sleep(100);
      } while (System.currentTimeMillis() < deadline);
      return out;
    } finally {
      http.close();
    }
  }

  /** The distributor's transfer log, once it holds {@code expected} entries (or after 5 s). */
  static io.vertx.core.json.JsonArray transfers(Vertx vertx, ControlPlaneFixture plane,
      int expected) {
    return getJsonUntil(vertx, plane.distributorPort(),
        io.weightcast.protocol.wire.TopologyHttp.TRANSFERS_PATH,
        b -> b.getJsonArray("transfers").size() >= expected, 5_000).getJsonArray("transfers");
  }

  static AgentConfig config(ControlPlaneFixture plane, Path dataDir, String nodeId) {
    return AgentConfig.defaults(nodeId, "z1", "r1", plane.registryEndpoint(), dataDir)
        .withServer("127.0.0.1", 0).withFetch(8, 5_000, 3).withRetryFailedMs(500);
  }

  static Optional<String> current(Path dataDir, String model) {
    Path link = dataDir.resolve("models").resolve(model).resolve("current");
    try {
      return Files.isSymbolicLink(link)
          ? Optional.of(Files.readSymbolicLink(link).toString()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void awaitCurrent(Path dataDir, String model, String version, long timeoutMs) {
    await(() -> current(dataDir, model).map(version::equals).orElse(false), timeoutMs,
        model + " current -> " + version + " on " + dataDir + " (is "
            + current(dataDir, model).orElse("none") + ")");
  }

  static void await(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(25);
    }
  }

  /** Every file of the version directory hashes to its manifest digest. */
  static void assertIdentical(Path dataDir, Manifest m) {
    Path dir = dataDir.resolve("models").resolve(m.model()).resolve(m.version());
    for (FileEntry f : m.files()) {
      assertEquals(f.digest(), sha256(dir.resolve(f.path())), f.path());
    }
  }

  static Digest sha256(Path file) {
    try {
      return Digest.ofFile(file);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
