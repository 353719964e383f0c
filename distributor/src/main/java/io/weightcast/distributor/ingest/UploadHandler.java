package io.weightcast.distributor.ingest;

import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.distributor.serve.PayloadTooLarge;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.distributor.store.IngestResult;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ElementWidth;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code PUT /v1/chunks/:sha256}: 1. pause the body and validate digest, Content-Length and the
 * optional {@code Weightcast-Element-Width} hint;
 * 2. a chunk already stored is answered 200 after its body is drained; 3. otherwise stream the
 * body to staging ({@link BodyStager}); 4. verify, encode and publish on the ingest pool;
 * 5. answer 201. Nothing is published unless the whole body arrived and hashed to its name.
 * Runs on the request's event loop; all disk and CPU work happens on the pool.
 */
public final class UploadHandler {
  private final ChunkStoreWorker store;
  private final FileSystem fs;
  private final long maxChunkBytes;
  private final UploadSlots slots;

  public UploadHandler(ChunkStoreWorker store, FileSystem fs) {
    this(store, fs, io.weightcast.distributor.DistributorLimits.DEFAULTS);
  }

  public UploadHandler(ChunkStoreWorker store, FileSystem fs,
      io.weightcast.distributor.DistributorLimits limits) {
    this.store = store;
    this.fs = fs;
    this.maxChunkBytes = limits.maxChunkBytes();
    this.slots = new UploadSlots(limits.maxUploadsPerClient());
  }

  /** Holds one of the client's upload slots (429 when none is free) for the whole upload. */
  public Future<Void> handle(RoutingContext ctx) {
    String client = ctx.request().remoteAddress() == null ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
    slots.acquire(client);
    Future<Void> upload;
    try {
      upload = upload(ctx);
    } catch (RuntimeException e) {
      upload = Future.failedFuture(e);
    }
    return upload.eventually(() -> {
      slots.release(client);
      return Future.succeededFuture();
    });
  }

  private Future<Void> upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    Digest digest = Digest.parse(ctx.pathParam("sha256"));
    long length = declaredLength(request, maxChunkBytes);
    Optional<ElementWidth> hint = elementWidth(request);
    if (store.contains(digest)) {
      return drain(request).compose(v -> answer(ctx, digest, IngestResult.ALREADY_PRESENT));
    }
    Path staged = store.newStagingPath(digest);
    return BodyStager.stage(fs, request, staged, length)
        .compose(v -> store.ingest(staged, digest, length, hint))
        .compose(result -> answer(ctx, digest, result));
  }

  /** Content-Length, required, in [1, {@link Manifest#MAX_CHUNK_SIZE}] (chunks are never empty). */
  static long declaredLength(HttpServerRequest request) {
    return declaredLength(request, Manifest.MAX_CHUNK_SIZE);
  }

  /** Content-Length, required, in [1, {@code max}]; above it, 413. */
  static long declaredLength(HttpServerRequest request, long max) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      throw new InvalidArgument("PUT of a chunk needs a Content-Length");
    }
    long length;
    try {
      length = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgument("Content-Length is not a number: '" + header + "'");
    }
    if (length < 1) {
      throw new InvalidArgument("a chunk has at least 1 byte, Content-Length is " + length);
    }
    if (length > max) {
      throw new PayloadTooLarge("a chunk is at most " + max
          + " bytes here (distributor --max-chunk-size), Content-Length is " + length);
    }
    return length;
  }

  /** The {@code Weightcast-Element-Width} hint: empty when absent, 400 when not 1, 2 or 4. */
  static Optional<ElementWidth> elementWidth(HttpServerRequest request) {
    String header = request.getHeader(ChunkHttp.ELEMENT_WIDTH_HEADER);
    return header == null ? Optional.empty() : Optional.of(ElementWidth.parse(header));
  }

  /** Reads and drops the rest of the body so the connection stays usable. */
  private static Future<Void> drain(HttpServerRequest request) {
    request.handler(buffer -> { });
    request.resume();
    return request.end().recover(e -> Future.failedFuture(
        new InvalidArgument("upload aborted: " + e)));
  }

  private static Future<Void> answer(RoutingContext ctx, Digest digest, IngestResult result) {
    boolean stored = result == IngestResult.STORED;
    return ctx.response().setStatusCode(stored ? 201 : 200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("sha256", digest.hex())
            .put("result", stored ? "stored" : "already_present").encode());
  }
}
