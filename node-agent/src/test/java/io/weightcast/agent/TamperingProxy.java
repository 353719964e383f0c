package io.weightcast.agent;

import com.github.luben.zstd.Zstd;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.Http2Tuning;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A real HTTP proxy on loopback (h2c and HTTP/1.1) in front of a distributor that spoils the
 * first {@code faulty} chunk GETs it forwards: either the codec tag becomes one nobody knows, or
 * the body becomes a valid zstd frame that decodes to one byte fewer than the chunk. Bodies are
 * buffered (test-sized chunks only). Everything else passes untouched.
 */
final class TamperingProxy {
  enum Fault { UNKNOWN_CODEC, SHORT_FRAME }

  private static final Set<String> HOP_HEADERS = Set.of("content-length", "transfer-encoding",
      "connection", "keep-alive", "host", "upgrade");

  private final Vertx vertx;
  private final Fault fault;
  private final AtomicInteger toSpoil;
  final AtomicInteger spoiled = new AtomicInteger();
  final AtomicInteger chunkGets = new AtomicInteger();
  private volatile int targetPort;
  private HttpServer server;
  private HttpClient client;

  TamperingProxy(Vertx vertx, int faulty, Fault fault) {
    this.vertx = vertx;
    this.fault = fault;
    this.toSpoil = new AtomicInteger(faulty);
  }

  Future<Integer> listen() {
    client = vertx.createHttpClient();
    server = vertx.createHttpServer(Http2Tuning.serverOptions("127.0.0.1", 0))
        .requestHandler(this::forward);
    return server.listen().map(HttpServer::actualPort);
  }

  void target(int port) {
    targetPort = port;
  }

  private void forward(HttpServerRequest req) {
    RequestOptions options = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1")
        .setPort(targetPort).setURI(req.uri());
    copy(req.headers(), options::addHeader);
    req.body()
        .compose(body -> client.request(options).compose(out -> out.send(body)))
        .compose(resp -> resp.body().map(body -> answer(req, resp, body)))
        .onFailure(e -> req.response().setStatusCode(502).end(String.valueOf(e)));
  }

  private Void answer(HttpServerRequest req, HttpClientResponse resp, Buffer body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    copy(resp.headers(), headers::add);
    boolean chunkGet = req.method() == HttpMethod.GET && req.path().startsWith(ChunkHttp.CHUNKS_PATH)
        && resp.statusCode() == 200;
    if (chunkGet) {
      chunkGets.incrementAndGet();
    }
    if (chunkGet && toSpoil.getAndDecrement() > 0) {
      spoiled.incrementAndGet();
      if (fault == Fault.UNKNOWN_CODEC) {
        headers.set(ChunkHttp.CODEC_HEADER, "zstd-shuffle8");
      } else {
        int raw = Integer.parseInt(headers.get(ChunkHttp.RAW_LENGTH_HEADER));
        body = Buffer.buffer(Zstd.compress(new byte[raw - 1], 1));
        headers.set(ChunkHttp.CODEC_HEADER, "zstd");
        headers.set(ChunkHttp.FRAME_LENGTH_HEADER, String.valueOf(body.length()));
      }
    }
    req.response().setStatusCode(resp.statusCode()).headers().addAll(headers);
    req.response().end(body);
    return null;
  }

  private static void copy(MultiMap from, BiConsumer<String, String> to) {
    from.forEach((name, value) -> {
      String lower = name.toLowerCase();
      if (!lower.startsWith(":") && !HOP_HEADERS.contains(lower)) {
        to.accept(name, value);
      }
    });
  }

  Future<Void> close() {
    return server.close().eventually(() -> client.close());
  }
}
