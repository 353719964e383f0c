package io.weightcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.weightcast.protocol.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk PUT carries Weightcast-Element-Width only when a width of 1, 2 or 4 is known. */
class ChunkUploadWidthTest {
  @TempDir Path dir;
  private Vertx vertx;
  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(Http2Tuning.serverOptions("127.0.0.1", 0))
        .requestHandler(req -> req.body().onSuccess(b -> {
          String w = req.getHeader(ChunkHttp.ELEMENT_WIDTH_HEADER);
          seen.add(w == null ? "none" : w);
          req.response().setStatusCode(201).end();
        }));
    server.listen().await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void sendsTheElementWidthHeaderOnlyForUniformWidths() throws Exception {
    byte[] data = new byte[4096];
    Path f = Files.write(dir.resolve("c"), data);
    Digest d = Digest.sha256(data);
    ChunkApiClient client = ChunkApiClient.create(vertx, "http://127.0.0.1:"
        + server.actualPort(), 4, 10_000);
    for (OptionalInt w : List.of(OptionalInt.of(2), OptionalInt.empty(), OptionalInt.of(4),
        OptionalInt.of(8), OptionalInt.of(1))) {
      Promise<Boolean> done = Promise.promise();
      vertx.runOnContext(v -> client.upload(d, f, 0, data.length, w).onComplete(done));
      done.future().await();
    }
    client.closeAsync().await();
    assertEquals(List.of("2", "none", "4", "none", "1"), seen);
  }
}
