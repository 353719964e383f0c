package io.weightcast.distributor.serve;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.distributor.store.StoredChunk;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.FileBodies;
import io.vertx.core.file.FileSystem;
import java.util.Optional;

/**
 * {@code HEAD} and {@code GET /v1/chunks/:sha256}: answers from the in-memory index and streams
 * the stored frame with {@link FileBodies} (sendfile(2) on HTTP/1.1; on HTTP/2 one positional
 * read into a pooled direct slot and one write, or 1 MiB streamed reads when no slot is free).
 * Runs on the request's event loop; file reads run on a worker.
 */
public final class ChunkReadHandler {
  private final ChunkStoreWorker store;
  private final FileSystem fs;
  /** Cap on the bytes this distributor serves, all streams together. */
  private final BandwidthLimiter egress;

  public ChunkReadHandler(ChunkStoreWorker store, FileSystem fs) {
    this(store, fs, BandwidthLimiter.UNLIMITED);
  }

  public ChunkReadHandler(ChunkStoreWorker store, FileSystem fs, BandwidthLimiter egress) {
    this.store = store;
    this.fs = fs;
    this.egress = egress;
  }

  public Future<Void> handle(RoutingContext ctx) {
    Digest digest = Digest.parse(ctx.pathParam("sha256"));
    StoredChunk chunk = store.locate(digest)
        .orElseThrow(() -> new ChunkNotFound("chunk " + digest.hex() + " is not stored here"));
    HttpServerResponse response = ctx.response();
    writeHeaders(response, digest, chunk);
    if (ctx.request().method() == HttpMethod.HEAD) {
      return response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(chunk.frameLength()))
          .end();
    }
    Optional<ByteRange> range =
        ByteRange.parse(ctx.request().getHeader("Range"), chunk.frameLength());
    String path = chunk.path().toString();
    if (range.isEmpty()) {
      return FileBodies.send(fs, response.setStatusCode(200), ctx.request().version(), path, 0,
          chunk.frameLength(), egress);
    }
    ByteRange r = range.get();
    return FileBodies.send(fs, response.setStatusCode(206)
        .putHeader(HttpHeaders.CONTENT_RANGE, r.contentRange()), ctx.request().version(), path,
        r.start(), r.length(), egress);
  }

  private static void writeHeaders(HttpServerResponse response, Digest digest, StoredChunk chunk) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.ETAG, "\"" + digest.hex() + "\"")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=31536000, immutable")
        .putHeader(ChunkHttp.CODEC_HEADER, chunk.codec().wireName())
        .putHeader(ChunkHttp.RAW_LENGTH_HEADER, Long.toString(chunk.rawLength()))
        .putHeader(ChunkHttp.FRAME_LENGTH_HEADER, Long.toString(chunk.frameLength()));
  }
}
