package io.weightcast.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.v1.Announcement;
import io.weightcast.protocol.v1.RegistryGrpcService;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.RegistryMapper;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An announcement whose manifest fails validation (here a {@code ../} path, which a sound registry
 * never sends) is skipped with an error and the stream goes on. The gRPC server is a real one on
 * loopback that sends exactly the announcements under test.
 */
@ExtendWith(VertxExtension.class)
class AnnouncementWatcherTest {
  @TempDir Path dir;

  @Test
  void skipsAnAnnouncementWhoseManifestFailsValidationAndKeepsWatching(Vertx vertx) {
    Manifest good = ModelFixture.manifestOf(ModelFixture.write(dir.resolve("m"), 8192, 1)
        .get(0).getParent(), "m", "v2", 4096);
    io.weightcast.protocol.v1.CommittedVersion valid = RegistryMapper.toProto(
        CommittedVersion.of(good, 2, 0));
    io.weightcast.protocol.v1.Manifest evil = RegistryMapper.toProto(good).toBuilder()
        .setVersion("v1").setFiles(0, RegistryMapper.toProto(good).getFiles(0).toBuilder()
            .setPath("../../etc/cron.d/x")).build();
    io.weightcast.protocol.v1.CommittedVersion invalid = valid.toBuilder().setManifest(evil)
        .setSequence(1).build();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(RegistryGrpcService.WatchVersions, req -> req.handler(msg -> {
      req.response().write(Announcement.newBuilder().setVersion(invalid).build());
      req.response().write(Announcement.newBuilder().setVersion(valid).build());
    }));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .requestHandler(grpc).listen(0).await();
    RegistryConnection registry = RegistryConnection.create(vertx,
        "127.0.0.1:" + server.actualPort());
    List<CommittedVersion> delivered = new CopyOnWriteArrayList<>();
    AnnouncementWatcher[] watcher = new AnnouncementWatcher[1];
    ControlPlaneFixture.onContext(vertx, () -> {
      watcher[0] = new AnnouncementWatcher(vertx, registry, List.of(), 0, delivered::add);
      watcher[0].start();
      return io.vertx.core.Future.succeededFuture();
    }).await();
    long deadline = System.currentTimeMillis() + 10_000;
    while (delivered.isEmpty() && System.currentTimeMillis() < deadline) {
      vertx.timer(20).await();
    }
    assertEquals(1, delivered.size());
    assertEquals(good, delivered.get(0).manifest());
    assertEquals(2, watcher[0].lastSequence());
    registry.close();
  }
}
