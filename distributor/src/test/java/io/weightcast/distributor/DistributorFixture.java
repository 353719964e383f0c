package io.weightcast.distributor;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.wire.ChunkHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A distributor on 127.0.0.1, port 0, over a temp data dir, with an HTTP/1.1 client and an h2c
 * (prior knowledge, one connection) client kept in fields. Every request is issued from one
 * Vert.x context (STACK-NOTES: h2 requests from foreign threads can lose data).
 */
public final class DistributorFixture {
  public static final String HOST = "127.0.0.1";

  /** A complete response. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }

    public JsonObject json() {
      return body.toJsonObject();
    }
  }

  public final Vertx vertx;
  public final Path dataDir;
  private final Context context;
  private final AtomicInteger h2Connections = new AtomicInteger();
  private String deploymentId;
  private int port;
  public HttpClientAgent h1;
  public HttpClientAgent h2;

  private DistributorFixture(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.context = vertx.getOrCreateContext();
  }

  public static Future<DistributorFixture> start(Vertx vertx, Path dataDir) {
    DistributorFixture fixture = new DistributorFixture(vertx, dataDir);
    return fixture.deploy().map(fixture);
  }

  public static DistributorConfig config(Path dataDir) {
    return new DistributorConfig(0, HOST, dataDir, null, null, 2, 1);
  }

  /** Deploys a fresh verticle on the same data dir (a restart when the old one is undeployed). */
  public Future<Void> deploy() {
    DistributorVerticle verticle = new DistributorVerticle(config(dataDir));
    return vertx.deployVerticle(verticle).map(id -> {
      deploymentId = id;
      port = verticle.actualPort();
      h1 = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port));
      h2 = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
              .setHttp2ClearTextUpgrade(false)
              .setInitialSettings(new Http2Settings().setInitialWindowSize(8 << 20))
              .setHttp2ConnectionWindowSize(64 << 20))
          .with(new PoolOptions().setHttp2MaxSize(1))
          .withConnectHandler(conn -> h2Connections.incrementAndGet())
          .build();
      return null;
    });
  }

  /** Closes the clients and undeploys the verticle. */
  public Future<Void> stop() {
    Future<Void> clients = Future.join(h1.close(), h2.close()).mapEmpty();
    return clients.eventually(() -> vertx.undeploy(deploymentId));
  }

  public int port() {
    return port;
  }

  public int h2Connections() {
    return h2Connections.get();
  }

  public Future<Reply> send(HttpClientAgent client, HttpMethod method, String uri,
      Map<String, String> headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(HOST).setPort(port)
        .setURI(uri);
    headers.forEach(options::putHeader);
    return onContext(() -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b))));
  }

  public Future<Reply> put(HttpClientAgent client, byte[] chunk) {
    return put(client, Digest.sha256(chunk), chunk);
  }

  public Future<Reply> put(HttpClientAgent client, Digest name, byte[] chunk) {
    return send(client, HttpMethod.PUT, ChunkHttp.chunkPath(name), Map.of(),
        Buffer.buffer(chunk));
  }

  public Future<Reply> get(HttpClientAgent client, Digest digest) {
    return send(client, HttpMethod.GET, ChunkHttp.chunkPath(digest), Map.of(), null);
  }

  public Future<Reply> head(HttpClientAgent client, Digest digest) {
    return send(client, HttpMethod.HEAD, ChunkHttp.chunkPath(digest), Map.of(), null);
  }

  /** Runs {@code call} on the fixture's context. */
  public <T> Future<T> onContext(Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  /** Polls {@code condition} (on a worker) every 20 ms until it holds; fails after timeoutMs. */
  public Future<Void> eventually(Callable<Boolean> condition, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return vertx.executeBlocking(condition, false).compose(ok -> {
      if (ok) {
        return Future.succeededFuture();
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("condition not met in " + timeoutMs + " ms"));
      }
      return vertx.timer(20).compose(t -> eventually(condition, deadline
          - System.currentTimeMillis()));
    });
  }

  /** Regular files under {@code dataDir/sub} (blocking; call from a test or worker). */
  public long filesUnder(String sub) {
    Path dir = dataDir.resolve(sub);
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
