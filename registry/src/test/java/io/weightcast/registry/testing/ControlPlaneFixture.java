package io.weightcast.registry.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.wire.Bounded;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real registry and a real distributor on free loopback ports, the distributor registered with
 * the registry, for component and multi-role tests. Methods return futures; call from a Vert.x
 * context (or await them in a test).
 */
public final class ControlPlaneFixture {
  private final Vertx vertx;
  private final Path dir;
  private RegistryVerticle registry;
  private DistributorVerticle distributor;
  private String registryDeployment;
  private String distributorDeployment;
  private String externalRegistry;

  public ControlPlaneFixture(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  /** Starts the registry, then the distributor, then waits for the distributor's lease. */
  public Future<Void> start() {
    return startRegistry(0).compose(v -> startDistributor()).compose(v -> awaitLease());
  }

  /** Starts (or restarts, on the same data) the registry; port 0 picks a free one. */
  public Future<Void> startRegistry(int port) {
    registry = new RegistryVerticle(new RegistryConfig("127.0.0.1", port,
        dir.resolve("registry")));
    return vertx.deployVerticle(registry).onSuccess(id -> registryDeployment = id).mapEmpty();
  }

  public Future<Void> stopRegistry() {
    return vertx.undeploy(registryDeployment);
  }

  public Future<Void> startDistributor() {
    return startDistributor(null);
  }

  /** Starts the distributor, telling the registry that agents reach it at {@code advertisedUrl}. */
  public Future<Void> startDistributor(String advertisedUrl) {
    distributor = new DistributorVerticle(new DistributorConfig(0, "127.0.0.1",
        dir.resolve("dist"), registryEndpoint(), advertisedUrl, 2, 1));
    return vertx.deployVerticle(distributor).onSuccess(id -> distributorDeployment = id)
        .mapEmpty();
  }

  public Future<Void> stopDistributor() {
    return vertx.undeploy(distributorDeployment);
  }

  /** Uses a registry running elsewhere (e.g. in a child JVM) instead of starting one. */
  public ControlPlaneFixture withExternalRegistry(String endpoint) {
    externalRegistry = endpoint;
    return this;
  }

  public String registryEndpoint() {
    return externalRegistry != null ? externalRegistry : "127.0.0.1:" + registry.actualPort();
  }

  public int registryPort() {
    return registry.actualPort();
  }

  public int distributorPort() {
    return distributor.actualPort();
  }

  public String distributorUrl() {
    return "http://127.0.0.1:" + distributor.actualPort();
  }

  public RegistryVerticle registry() {
    return registry;
  }

  /** Polls until the registry lists a live distributor (at most 15 s). */
  public Future<Void> awaitLease() {
    RegistryConnection conn = RegistryConnection.create(vertx, registryEndpoint());
    return poll(conn, System.currentTimeMillis() + 15_000).eventually(conn::closeAsync);
  }

  private Future<Void> poll(RegistryConnection conn, long deadline) {
    return conn.listDistributors().compose(live -> {
      if (!live.isEmpty()) {
        return Future.succeededFuture();
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture("no distributor lease within 15 s");
      }
      return vertx.timer(100).compose(t -> poll(conn, deadline));
    }, e -> System.currentTimeMillis() > deadline ? Future.failedFuture(e)
        : vertx.timer(100).compose(t -> poll(conn, deadline)));
  }

  /** Uploads every chunk of {@code manifest}, read from the model directory {@code source}. */
  public Future<Void> upload(Manifest manifest, Path source) {
    return onContext(vertx, () -> uploadOnContext(manifest, source));
  }

  /**
   * Runs {@code work} on a fresh Vert.x context: HTTP/2 traffic must be issued from one (see
   * ../shared/STACK-NOTES.md), while tests await results on their own thread.
   */
  public static <T> Future<T> onContext(Vertx vertx, java.util.function.Supplier<Future<T>> work) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  private Future<Void> uploadOnContext(Manifest manifest, Path source) {
    ChunkApiClient client = ChunkApiClient.create(vertx, distributorUrl(), 8, 30_000);
    List<FileChunk> chunks = new ArrayList<>();
    for (FileEntry f : manifest.files()) {
      for (ChunkSpec c : f.chunks()) {
        chunks.add(new FileChunk(source.resolve(f.path()), c));
      }
    }
    return Bounded.forEach(chunks, 8, fc -> client.upload(fc.chunk().digest(), fc.file(),
            fc.chunk().offset(), fc.chunk().length()))
        .eventually(client::closeAsync);
  }

  private record FileChunk(Path file, ChunkSpec chunk) {}
}
