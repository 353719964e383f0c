package io.weightcast.distributor.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorLimits;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A distributor with low upload limits: oversized chunks get 413, a client's third upload 429. */
@ExtendWith(VertxExtension.class)
class UploadLimitsTest {
  private static final int MAX_CHUNK = 64 * 1024;
  @TempDir Path dir;
  private Vertx vertx;
  private HttpClientAgent http;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    DistributorVerticle d = new DistributorVerticle(new DistributorConfig(0, "127.0.0.1", dir,
        null, null, 2, 1, new DistributorLimits(0, 2, MAX_CHUNK)));
    vertx.deployVerticle(d).await();
    port = d.actualPort();
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(8));
  }

  @AfterEach
  void stop() {
    http.close().await();
  }

  @Test
  void refusesAChunkLargerThanTheConfiguredMaximumWith413() {
    Reply r = upload(bytes(MAX_CHUNK + 1, 1));
    assertEquals(413, r.status(), r.body().encode());
    assertTrue(r.body().getString("message").contains("--max-chunk-size"), r.body().encode());
  }

  @Test
  void refusesAClientsUploadBeyondItsConcurrentLimitWith429UntilOneFinishes() {
    byte[] a = bytes(32 * 1024, 2);
    byte[] b = bytes(32 * 1024, 3);
    // Two uploads stay open: head and half the body sent, the rest held back.
    HttpClientRequest first = openHalf(a);
    HttpClientRequest second = openHalf(b);
    // The server sees the two open uploads' heads soon; until then a third may still pass.
    Reply refused = null;
    for (int attempt = 0; attempt < 100 && (refused == null || refused.status() != 429);
        attempt++) {
      refused = upload(bytes(1024, 100 + attempt));
    }
    assertEquals(429, refused.status(), "third concurrent upload refused");
    assertEquals("too_many_requests", refused.body().getString("code"), refused.body().encode());
    assertTrue(refused.body().getString("message").contains("--max-uploads-per-client"));

    assertEquals(201, finish(first, a));
    assertEquals(201, finish(second, b));
    assertEquals(201, upload(bytes(1024, 999)).status(),
        "a slot is free again once the uploads finished");
  }

  private record Reply(int status, JsonObject body) {}

  /** One whole upload; the body is read in the same turn as the response arrives. */
  private Reply upload(byte[] data) {
    return onContext(() -> put(Digest.sha256(data), data.length)
        .compose(req -> req.send(Buffer.buffer(data)))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toJsonObject()))))
        .timeout(20, java.util.concurrent.TimeUnit.SECONDS).await();
  }

  private HttpClientRequest openHalf(byte[] data) {
    return onContext(() -> put(Digest.sha256(data), data.length).compose(req -> req
        .write(Buffer.buffer(data).slice(0, data.length / 2)).map(req)))
        .timeout(20, java.util.concurrent.TimeUnit.SECONDS).await();
  }

  private int finish(HttpClientRequest req, byte[] data) {
    return onContext(() -> req.end(Buffer.buffer(data).slice(data.length / 2, data.length))
        .compose(v -> req.response()).map(HttpClientResponse::statusCode))
        .timeout(20, java.util.concurrent.TimeUnit.SECONDS).await();
  }

  private Future<HttpClientRequest> put(Digest digest, int length) {
    return http.request(HttpMethod.PUT, ChunkHttp.chunkPath(digest))
        .map(req -> req.putHeader("content-length", Integer.toString(length)));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
