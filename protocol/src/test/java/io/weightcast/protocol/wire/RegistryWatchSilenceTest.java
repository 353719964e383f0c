package io.weightcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.v1.Announcement;
import io.weightcast.protocol.v1.RegistryGrpcService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The watch tells a quiet live stream (heartbeats, no versions) from a dead one (nothing at all):
 * heartbeats are never delivered as versions, and silence beyond the limit fails the watch so the
 * caller resumes. Real gRPC server on loopback sending exactly what each case needs.
 */
@ExtendWith(VertxExtension.class)
class RegistryWatchSilenceTest {
  @Test
  void heartbeatsKeepAQuietWatchAliveAndAreNotDelivered(Vertx vertx) throws Exception {
    HttpServer server = serve(vertx, true);
    RegistryConnection conn = RegistryConnection.create(vertx, "127.0.0.1:" + server.actualPort(),
        5_000, 600);
    List<CommittedVersion> seen = new CopyOnWriteArrayList<>();
    RegistryConnection.Watch w = onContext(vertx, () -> conn.watch(0, List.of(), seen::add))
        .await();
    Thread.sleep(1_500);
    assertTrue(!w.done().isComplete(), "a stream with heartbeats stays open");
    assertEquals(List.of(), seen);
    w.cancel().run();
    conn.close();
  }

  @Test
  void aSilentStreamFailsSoTheWatcherResumes(Vertx vertx) {
    HttpServer server = serve(vertx, false);
    RegistryConnection conn = RegistryConnection.create(vertx, "127.0.0.1:" + server.actualPort(),
        5_000, 600);
    RegistryConnection.Watch w = onContext(vertx, () -> conn.watch(0, List.of(), v -> { }))
        .await();
    Throwable e = assertFails(() -> w.done().await());
    assertInstanceOf(Unavailable.class, e);
    assertTrue(e.getMessage().contains("silent"), e.getMessage());
    conn.close();
  }

  private static HttpServer serve(Vertx vertx, boolean heartbeats) {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(RegistryGrpcService.WatchVersions, req -> req.handler(msg -> {
      req.response().writeHead();
      if (heartbeats) {
        vertx.setPeriodic(150, t -> req.response().write(Announcement.getDefaultInstance()));
      }
    }));
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .requestHandler(grpc).listen(0).await();
  }

  private static <T> Future<T> onContext(Vertx vertx, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  private static Throwable assertFails(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }
}
