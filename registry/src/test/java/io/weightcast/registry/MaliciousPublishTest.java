package io.weightcast.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.testing.MaliciousManifests;
import io.weightcast.protocol.v1.PublishVersionRequest;
import io.weightcast.protocol.v1.RegistryGrpcClient;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile manifest of {@link MaliciousManifests}, sent as a raw PublishVersion call to a
 * real registry on loopback, is refused with INVALID_ARGUMENT and a message that says what is
 * wrong; nothing is committed and nothing appears outside the registry's data directory.
 */
@ExtendWith(VertxExtension.class)
class MaliciousPublishTest {
  @TempDir static Path dir;
  private static ControlPlaneFixture plane;
  private static GrpcClient grpc;
  private static SocketAddress address;
  private static RegistryConnection registry;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    plane = new ControlPlaneFixture(vertx, dir);
    plane.startRegistry(0).await();
    grpc = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false)
        .setProtocolVersion(HttpVersion.HTTP_2));
    address = SocketAddress.inetSocketAddress(plane.registryPort(), "127.0.0.1");
    registry = RegistryConnection.create(vertx, plane.registryEndpoint());
  }

  @AfterAll
  static void stop() {
    registry.close();
    grpc.close().await();
  }

  static List<MaliciousManifests.Case> corpus() {
    return MaliciousManifests.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusesTheManifestAtPublishWithAClearMessage(MaliciousManifests.Case c) throws Exception {
    String status = ControlPlaneFixture.onContext(vertx, () -> grpc.request(address,
            RegistryGrpcClient.PublishVersion)
        .compose(req -> req.send(PublishVersionRequest.newBuilder().setManifest(c.wire())
            .build()))
        .compose(resp -> {
          resp.handler(m -> { });
          return resp.end().transform(ar -> io.vertx.core.Future.succeededFuture(
              resp.status().name() + ": " + resp.statusMessage()));
        })).await();
    assertTrue(status.startsWith("INVALID_ARGUMENT: "), c.name() + ": " + status);
    assertTrue(status.contains(c.expected()), c.name() + ": expected '" + c.expected()
        + "' in: " + status);
    assertTrue(ControlPlaneFixture.onContext(vertx, () -> registry.listVersions(null)).await()
        .isEmpty(), "nothing committed");
    assertTrue(Files.notExists(Path.of(MaliciousManifests.ABSOLUTE_TARGET)));
    try (var files = Files.walk(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString()
          .equals(MaliciousManifests.ESCAPE_NAME)), "no escaping file");
    }
  }
}
