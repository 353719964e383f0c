package io.weightcast.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.v1.PublishVersionRequest;
import io.weightcast.protocol.v1.RegistryGrpcClient;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.RegistryMapper;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Publish, list and REST against a real registry and distributor on loopback. */
@ExtendWith(VertxExtension.class)
class RegistryPublishTest {
  @TempDir Path dir;
  private ControlPlaneFixture plane;
  private RegistryConnection registry;
  private HttpClient http;
  private Manifest manifest;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    http = vertx.createHttpClient();
    this.vertx = vertx;
    Path model = dir.resolve("model");
    ModelFixture.write(model, 3 * 1024 * 1024 + 77, 7);
    manifest = ModelFixture.manifestOf(model, "llama-mini", "v1", 1024 * 1024);
    plane.upload(manifest, model).await();
  }

  @AfterEach
  void stop() {
    registry.close();
    http.close();
  }

  @Test
  void publishesAVersionWhoseChunksTheDistributorHolds() {
    RegistryConnection.Published p = registry.publish(manifest).await();
    assertTrue(p.created());
    assertEquals(1, p.version().sequence());
    assertEquals(manifest.digest(), p.version().manifestDigest());
    List<CommittedVersion> listed = registry.listVersions("llama-mini").await();
    assertEquals(1, listed.size());
    assertEquals(manifest, listed.get(0).manifest());
    assertEquals(manifest, registry.getManifest("llama-mini", "v1").await().manifest());
  }

  @Test
  void republishingTheSameManifestIsIdempotent() {
    registry.publish(manifest).await();
    RegistryConnection.Published again = registry.publish(manifest).await();
    assertFalse(again.created());
    assertEquals(1, again.version().sequence());
    assertEquals(1, registry.listVersions(null).await().size());
  }

  @Test
  void republishingOtherContentIsRefusedAndTheOriginalStaysIntact() {
    registry.publish(manifest).await();
    FileEntry f = manifest.files().get(0);
    Manifest other = new Manifest("llama-mini", "v1", manifest.chunkSize(), List.of(
        new FileEntry(f.path(), f.size(), manifest.files().get(1).digest(), f.chunks())));
    Throwable e = assertFails(() -> registry.publish(other).await());
    assertInstanceOf(InvalidTransition.class, e);
    assertTrue(e.getMessage().contains("already committed with other content"), e.getMessage());
    assertEquals(manifest, registry.getManifest("llama-mini", "v1").await().manifest());
  }

  @Test
  void aDeadDistributorWhoseLeaseIsStillLiveIsPassedOverForTheNextOne() {
    // A second distributor registers (the newest lease, the one asked first) and dies.
    ControlPlaneFixture second = new ControlPlaneFixture(vertx, dir.resolve("second"))
        .withExternalRegistry(plane.registryEndpoint());
    second.startDistributor().await();
    long deadline = System.currentTimeMillis() + 15_000;
    while (registry.listDistributors().await().size() < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "second lease within 15 s");
      vertx.timer(100).await();
    }
    second.stopDistributor().await();
    assertEquals(2, registry.listDistributors().await().size(), "its lease outlives it");
    assertTrue(registry.publish(manifest).await().created(),
        "the first distributor, which holds the chunks, answers the check");
  }

  @Test
  void refusesAVersionNamingAChunkTheDistributorLacks() {
    FileEntry f = manifest.files().get(0);
    ChunkSpec c = f.chunks().get(0);
    ChunkSpec unknown = new ChunkSpec(0, 0, c.length(),
        io.weightcast.protocol.Digest.sha256(new byte[] {1, 2, 3}));
    List<ChunkSpec> chunks = new java.util.ArrayList<>(f.chunks());
    chunks.set(0, unknown);
    Manifest missing = new Manifest("llama-mini", "v2", manifest.chunkSize(),
        List.of(new FileEntry(f.path(), f.size(), f.digest(), chunks)));
    Throwable e = assertFails(() -> registry.publish(missing).await());
    assertInstanceOf(ChunkNotFound.class, e);
    assertTrue(e.getMessage().contains("lacks 1 of"), e.getMessage());
    assertTrue(registry.listVersions(null).await().isEmpty());
  }

  @Test
  void refusesAManifestWithADotDotPathAsInvalid(Vertx vertx) {
    io.weightcast.protocol.v1.Manifest bad = RegistryMapper.toProto(manifest).toBuilder()
        .setFiles(0, RegistryMapper.toProto(manifest).getFiles(0).toBuilder()
            .setPath("../../etc/passwd"))
        .build();
    io.vertx.grpc.client.GrpcClient grpc = io.vertx.grpc.client.GrpcClient.client(vertx,
        new io.vertx.core.http.HttpClientOptions().setHttp2ClearTextUpgrade(false)
            .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2));
    try {
      RegistryGrpcClient raw = RegistryGrpcClient.create(grpc,
          io.vertx.core.net.SocketAddress.inetSocketAddress(plane.registryPort(), "127.0.0.1"));
      Throwable e = assertFails(() -> raw.publishVersion(
          PublishVersionRequest.newBuilder().setManifest(bad).build()).await());
      assertTrue(e.getMessage().contains("INVALID_ARGUMENT"), e.getMessage());
      assertTrue(registry.listVersions(null).await().isEmpty());
    } finally {
      grpc.close();
    }
    assertInstanceOf(InvalidManifest.class, assertFails(() -> RegistryMapper.fromProto(bad)));
  }

  @Test
  void unknownVersionIsNotFound() {
    assertInstanceOf(NotFound.class, assertFails(() -> registry.getManifest("nope", "v1").await()));
  }

  @Test
  void restListsModelsVersionsAndManifest() {
    registry.publish(manifest).await();
    JsonObject models = get("/v1/models");
    assertEquals("llama-mini", models.getJsonArray("models").getJsonObject(0).getString("model"));
    JsonObject versions = get("/v1/models/llama-mini/versions");
    JsonObject v1 = versions.getJsonArray("versions").getJsonObject(0);
    assertEquals(manifest.digest().hex(), v1.getString("manifestDigest"));
    assertEquals(manifest.files().size(), v1.getInteger("files"));
    assertEquals(manifest.totalBytes(), v1.getLong("totalBytes"));
    JsonObject m = get("/v1/models/llama-mini/versions/v1/manifest");
    assertEquals(manifest.chunkCount(), m.getInteger("chunks"));
    assertEquals("ok", get("/health").getString("status"));
    assertEquals("not_found", get("/v1/models/nope/versions").getString("code"));
  }

  /** Issued from a Vert.x context (see STACK-NOTES: requests from other threads can stall). */
  private JsonObject get(String path) {
    return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET,
            plane.registryPort(), "127.0.0.1", path)
        .compose(req -> req.send()).compose(resp -> resp.body()).map(JsonObject::new)
        .timeout(10, java.util.concurrent.TimeUnit.SECONDS)).await();
  }

  static Throwable assertFails(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }
}
