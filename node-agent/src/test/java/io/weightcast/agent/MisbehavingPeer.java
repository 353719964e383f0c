package io.weightcast.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.Http2Tuning;
import io.weightcast.protocol.wire.TopologyHttp;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/2 (h2c) chunk server on loopback that claims to hold every chunk of a manifest and
 * misbehaves on each GET: {@link Fault#CORRUPT} sends a well-formed raw frame of the right length
 * whose bytes are wrong, {@link Fault#TRUNCATED} announces the full frame and ends after half of
 * it, {@link Fault#STALL} sends the headers and a few bytes, then nothing, forever, and
 * {@link Fault#SILENT} accepts the request and never answers at all. It registers
 * itself in a distributor's topology as a peer in rack z1/r1 ({@link #announce}). Confined to the
 * Vert.x context that created it.
 */
final class MisbehavingPeer {
  enum Fault { CORRUPT, TRUNCATED, STALL, SILENT }

  static final String NODE_ID = "bad-peer";

  private final Vertx vertx;
  private final Fault fault;
  private final Map<Digest, Long> lengths;
  final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private io.vertx.core.http.HttpClient http;

  MisbehavingPeer(Vertx vertx, Fault fault, Manifest manifest) {
    this.vertx = vertx;
    this.fault = fault;
    this.lengths = manifest.distinctChunks();
  }

  Future<Integer> listen() {
    server = vertx.createHttpServer(Http2Tuning.serverOptions("127.0.0.1", 0))
        .requestHandler(this::serve);
    return server.listen().map(HttpServer::actualPort);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Tells the distributor at {@code distributorPort} that this peer holds every chunk. */
  Future<Void> announce(int distributorPort) {
    JsonArray have = new JsonArray();
    lengths.keySet().forEach(d -> have.add(d.hex()));
    JsonObject body = new JsonObject().put("node", NODE_ID).put("zone", "z1").put("rack", "r1")
        .put("serveUrl", url()).put("have", have).put("full", true);
    http = vertx.createHttpClient();
    return http.request(io.vertx.core.http.HttpMethod.POST, distributorPort,
            "127.0.0.1", TopologyHttp.ANNOUNCE_PATH)
        .compose(req -> req.putHeader("content-type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.statusCode() == 204 ? Future.<Void>succeededFuture()
            : Future.failedFuture("announce answered " + resp.statusCode()));
  }

  private void serve(HttpServerRequest req) {
    if (!req.path().startsWith(ChunkHttp.CHUNKS_PATH)) {
      req.response().setStatusCode(404).end();
      return;
    }
    Long length = lengths.get(Digest.parse(req.path().substring(ChunkHttp.CHUNKS_PATH.length())));
    if (length == null) {
      req.response().setStatusCode(404).end();
      return;
    }
    requests.incrementAndGet();
    if (fault == Fault.SILENT) {
      return;
    }
    int raw = length.intValue();
    HttpServerResponse resp = req.response().setStatusCode(200)
        .putHeader(ChunkHttp.CODEC_HEADER, Codec.RAW.wireName())
        .putHeader(ChunkHttp.RAW_LENGTH_HEADER, String.valueOf(raw))
        .putHeader(ChunkHttp.FRAME_LENGTH_HEADER, String.valueOf(raw));
    byte[] wrong = new byte[raw];
    java.util.Arrays.fill(wrong, (byte) 0x5a);
    switch (fault) {
      case CORRUPT -> resp.end(Buffer.buffer(wrong));
      case TRUNCATED -> resp.end(Buffer.buffer(wrong).slice(0, raw / 2));
      case STALL -> resp.write(Buffer.buffer(wrong).slice(0, 16));
      default -> throw new IllegalStateException("answered above: " + fault);
    }
  }

  Future<Void> close() {
    return server.close().eventually(() -> http == null ? Future.succeededFuture() : http.close());
  }
}
