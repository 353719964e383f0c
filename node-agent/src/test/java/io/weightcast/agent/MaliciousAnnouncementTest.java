package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.MaliciousManifests;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.v1.Announcement;
import io.weightcast.protocol.v1.ListDistributorsResponse;
import io.weightcast.protocol.v1.RegistryGrpcService;
import io.weightcast.protocol.v1.ReportProgressResponse;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.RegistryMapper;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defence in depth: a registry (here a scripted real gRPC server on loopback) sends an agent every
 * hostile manifest of {@link MaliciousManifests}, then one good version. The agent's edge refuses
 * each with a message that says what is wrong (checked per case on the same watch stream the
 * agent uses), a real agent skips them all and activates only the good version, and nothing is
 * written outside its data directory.
 */
@ExtendWith(VertxExtension.class)
class MaliciousAnnouncementTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @Test
  void refusesEveryHostileManifestOnTheWatchStreamAndActivatesOnlyTheGoodOne(Vertx vertx)
      throws IOException {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path src = dir.resolve("src");
    ModelFixture.write(src, MIB + 3, 5);
    Manifest good = ModelFixture.manifestOf(src, "m", "v1", 256 * 1024);
    plane.upload(good, src).await();
    List<MaliciousManifests.Case> corpus = MaliciousManifests.cases();
    int port = scriptedRegistry(vertx, plane, corpus, good);

    // 1. The edge: each case reaches onInvalid with its own message; the good one is delivered.
    Map<Long, String> refused = new ConcurrentHashMap<>();
    List<CommittedVersion> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    RegistryConnection edge = RegistryConnection.create(vertx, "127.0.0.1:" + port);
    ControlPlaneFixture.onContext(vertx, () -> edge.watch(0, List.of(), delivered::add,
        (seq, e) -> refused.put(seq, e.getMessage()))).await();
    AgentFixture.await(() -> delivered.size() == 1, 10_000, "the good version delivered");
    edge.close();
    assertEquals(corpus.size(), refused.size(), "every hostile manifest refused: " + refused);
    for (int i = 0; i < corpus.size(); i++) {
      MaliciousManifests.Case c = corpus.get(i);
      String message = refused.get((long) i + 1);
      assertTrue(message.contains(c.expected()), c.name() + ": expected '" + c.expected()
          + "' in: " + message);
    }
    assertEquals(good, delivered.get(0).manifest());

    // 2. A real agent behind the same stream: only the good version lands, nothing escapes.
    Path data = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentConfig.defaults("gpu-001", "z1", "r1",
        "127.0.0.1:" + port, data).withServer("127.0.0.1", 0).withFetch(4, 5_000, 3)))
        .await();
    awaitCurrent(data, "m", "v1", 30_000);
    assertIdentical(data, good);
    try (Stream<Path> models = Files.list(data.resolve("models").resolve("m"))) {
      assertEquals(List.of("current", "v1"), models.map(p -> p.getFileName().toString())
          .sorted().toList());
    }
    assertTrue(Files.notExists(Path.of(MaliciousManifests.ABSOLUTE_TARGET)));
    try (Stream<Path> all = Files.walk(dir)) {
      List<Path> escaped = all.filter(p -> p.getFileName().toString()
          .contains(MaliciousManifests.ESCAPE_NAME)).toList();
      assertEquals(List.of(), escaped, "files written outside the data directory");
    }
  }

  /**
   * A gRPC server speaking the registry service: WatchVersions sends each case as announcement
   * 1..N, then the good version as N+1; ListDistributors names the real distributor;
   * ReportProgress accepts. Answers its port.
   */
  private static int scriptedRegistry(Vertx vertx, ControlPlaneFixture plane,
      List<MaliciousManifests.Case> corpus, Manifest good) {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(RegistryGrpcService.WatchVersions, req -> req.handler(msg -> {
      for (int i = 0; i < corpus.size(); i++) {
        req.response().write(Announcement.newBuilder().setVersion(
            io.weightcast.protocol.v1.CommittedVersion.newBuilder()
                .setManifest(corpus.get(i).wire()).setSequence(i + 1)
                .setManifestDigest("00".repeat(32))).build());
      }
      req.response().write(Announcement.newBuilder().setVersion(RegistryMapper.toProto(
          CommittedVersion.of(good, corpus.size() + 1, 0))).build());
    }));
    grpc.callHandler(RegistryGrpcService.ListDistributors, req -> req.handler(msg ->
        req.response().end(ListDistributorsResponse.newBuilder()
            .addBaseUrls(plane.distributorUrl()).build())));
    grpc.callHandler(RegistryGrpcService.ReportProgress, req -> req.handler(msg ->
        req.response().end(ReportProgressResponse.getDefaultInstance())));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .requestHandler(grpc);
    return ControlPlaneFixture.onContext(vertx, () -> server.listen(0)).await().actualPort();
  }
}
