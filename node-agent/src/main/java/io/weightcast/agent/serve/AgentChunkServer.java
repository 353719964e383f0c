package io.weightcast.agent.serve;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.agent.AgentMetrics;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.security.AccessGuard;
import io.weightcast.protocol.security.AccessRules;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsOptions;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.ChunkHttp.AcceptEncoded;
import io.weightcast.protocol.wire.FileBodies;
import io.weightcast.protocol.wire.Http2Tuning;
import io.weightcast.protocol.wire.PrometheusEndpoint;

/**
 * Serves the chunks this agent holds, with the distributor's chunk API ({@link ChunkHttp}): HEAD
 * and GET of {@code /v1/chunks/{sha256}}, bodies sent raw from the files with {@link FileBodies};
 * a GET with {@link ChunkHttp#ACCEPT_ENCODED_HEADER} gets the encoded frame: the one kept in
 * {@link RecentFrames} if any, else (value {@link AcceptEncoded#YES}, a peer in another rack) one
 * encoded by {@link PeerEncoder} when it can, else raw. Never under an egress cap: a capped body is
 * piped raw through the limiter. Handlers run on the agent verticle's context.
 */
public final class AgentChunkServer {
  private final HeldChunks held;
  private final RecentFrames frames;
  private final AgentMetrics metrics;
  private HttpServer server;
  /** Cap on the bytes served to peers, all streams together. */
  private final BandwidthLimiter egress;
  /** Encodes for peers in other racks: two at once (a crossing is rare next to in-rack copies). */
  private static final int ENCODE_SLOTS = 2;
  private final PeerEncoder encoder = new PeerEncoder(ENCODE_SLOTS);
  /** {@link PeerEncoder#POOL}: created by listen, closed by close. */
  private WorkerExecutor encodePool;

  public AgentChunkServer(HeldChunks held, AgentMetrics metrics) {
    this(held, metrics, BandwidthLimiter.UNLIMITED);
  }

  public AgentChunkServer(HeldChunks held, AgentMetrics metrics, BandwidthLimiter egress) {
    this(held, new RecentFrames(0), metrics, egress);
  }

  /** {@code frames}: the encoded frames this agent verified lately, served as they are. */
  public AgentChunkServer(HeldChunks held, RecentFrames frames, AgentMetrics metrics,
      BandwidthLimiter egress) {
    this.frames = frames;
    this.held = held;
    this.metrics = metrics;
    this.egress = egress;
  }

  public Future<HttpServer> listen(Vertx vertx, String host, int port) {
    return listen(vertx, host, port, router -> { });
  }

  /** Listens with {@code more} routes (e.g. the local API) mounted next to the chunk API. */
  public Future<HttpServer> listen(Vertx vertx, String host, int port,
      java.util.function.Consumer<Router> more) {
    return listen(vertx, host, port, more, Security.PLAINTEXT);
  }

  /** Like {@link #listen(Vertx, String, int, java.util.function.Consumer)}, with TLS and
   *  authorization ({@link AccessRules#AGENT_SERVER}). */
  public Future<HttpServer> listen(Vertx vertx, String host, int port,
      java.util.function.Consumer<Router> more, Security security) {
    encodePool = vertx.createSharedWorkerExecutor(PeerEncoder.POOL, ENCODE_SLOTS);
    Router router = Router.router(vertx);
    more.accept(router);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")
        .put("chunks", held.size())));
    router.head("/v1/chunks/:sha256").handler(ctx -> chunk(ctx, false));
    router.get("/v1/chunks/:sha256").handler(ctx -> chunk(ctx, true));
    router.get(PrometheusEndpoint.PATH).handler(ctx -> metrics.endpoint().respond(ctx.response()));
    server = vertx.createHttpServer(TlsOptions.server(Http2Tuning.serverOptions(host, port),
        security.tls())).requestHandler(new AccessGuard("agent", security.access(),
        AccessRules.AGENT_SERVER).wrap(router));
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  public Future<Void> close() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return encodePool == null ? closed : closed.eventually(() -> encodePool.close());
  }

  private void chunk(RoutingContext ctx, boolean body) {
    Digest digest;
    try {
      digest = Digest.parse(ctx.pathParam("sha256"));
    } catch (InvalidArgument e) {
      error(ctx.response(), 400, e.code(), e.getMessage());
      return;
    }
    HeldChunks.Location at = held.find(digest).orElse(null);
    if (at == null) {
      metrics.failure("read", "chunk_not_found");
      error(ctx.response(), 404, "chunk_not_found", "this agent does not hold " + digest.hex());
      return;
    }
    AcceptEncoded accept = AcceptEncoded.of(
        ctx.request().getHeader(ChunkHttp.ACCEPT_ENCODED_HEADER));
    if (!body || accept == AcceptEncoded.NO || !egress.unlimited() || at.codec() == Codec.RAW) {
      sendRaw(ctx, digest, at, body, true);
      return;
    }
    RecentFrames.Frame kept = frames.find(digest).orElse(null);
    if (kept != null) {
      sendEncoded(ctx.response(), digest, at, kept);
      return;
    }
    if (accept == AcceptEncoded.YES) {
      encoder.encode(encodePool, at).onComplete(ar -> {
        if (ar.succeeded() && ar.result().isPresent()) {
          frames.put(digest, ar.result().get());
          sendEncoded(ctx.response(), digest, at, ar.result().get());
          return;
        }
        // Raw instead, from where the chunk is now: the encode may have failed because its
        // version was published meanwhile and the staged file renamed away.
        HeldChunks.Location now = held.find(digest).orElse(null);
        if (now == null) {
          error(ctx.response(), 404, "chunk_not_found", "this agent no longer holds "
              + digest.hex());
        } else {
          sendRaw(ctx, digest, now, true, true);
        }
      });
      return;
    }
    sendRaw(ctx, digest, at, body, true);
  }

  /**
   * Writes the frame in {@link Http2Tuning#MAX_FRAME} pieces: one write of a whole multi-MiB
   * heap buffer went out as a single DATA frame larger than the peer accepts ("Frame length
   * exceeds maximum", seen in the fan-out benchmark).
   */
  private void sendEncoded(HttpServerResponse resp, Digest digest, HeldChunks.Location at,
      RecentFrames.Frame frame) {
    Buffer bytes = frame.bytes();
    int n = bytes.length();
    resp.putHeader(ChunkHttp.CODEC_HEADER, frame.codec().wireName())
        .putHeader(ChunkHttp.RAW_LENGTH_HEADER, Long.toString(at.length()))
        .putHeader(ChunkHttp.FRAME_LENGTH_HEADER, Integer.toString(n))
        .putHeader("etag", "\"" + digest.hex() + "\"")
        .putHeader("content-length", Integer.toString(n));
    for (int from = 0; from < n; from += Http2Tuning.MAX_FRAME) {
      resp.write(bytes.slice(from, Math.min(n, from + Http2Tuning.MAX_FRAME)));
    }
    resp.end().onSuccess(v -> metrics.served(n));
  }

  /**
   * Sends the chunk's bytes from {@code at}. A read that fails before the response started, from
   * a staging file, is tried once more ({@code retry}) from where that file is once its version is
   * published: the rename can land between the lookup and the open (a rack-mate got a 404 for a
   * chunk it had been offered, reported this peer and a second copy crossed into the rack: seen
   * in TopologyFanOutTest).
   */
  private void sendRaw(RoutingContext ctx, Digest digest, HeldChunks.Location at, boolean body,
      boolean retry) {
    HttpServerResponse resp = ctx.response()
        .putHeader(ChunkHttp.CODEC_HEADER, Codec.RAW.wireName())
        .putHeader(ChunkHttp.RAW_LENGTH_HEADER, Long.toString(at.length()))
        .putHeader(ChunkHttp.FRAME_LENGTH_HEADER, Long.toString(at.length()))
        .putHeader("etag", "\"" + digest.hex() + "\"");
    if (body) {
      FileBodies.send(ctx.vertx().fileSystem(), resp, ctx.request().version(),
          at.file().toString(), at.offset(), at.length(), egress)
          .onSuccess(v -> metrics.served(at.length()))
          .onFailure(e -> {
            HeldChunks.Location published = retry ? held.published(at).orElse(null) : null;
            if (!resp.headWritten() && published != null) {
              sendRaw(ctx, digest, published, true, false);
            } else if (!resp.headWritten()) {
              // The raw body's length was already set; the error body has its own.
              resp.headers().remove("content-length");
              error(resp, 404, "chunk_not_found", "chunk moved or vanished: " + e.getMessage());
            } else {
              resp.reset();
            }
          });
    } else {
      resp.putHeader("content-length", Long.toString(at.length())).end();
    }
  }

  private static void error(HttpServerResponse resp, int status, String code, String message) {
    resp.setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("code", code).put("message", message).encode());
  }
}
