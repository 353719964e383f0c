package io.weightcast.protocol.wire;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.failure.WeightcastFailure;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Client of the chunk HTTP API ({@link ChunkHttp}) for uploads and presence checks: one HTTP/2
 * connection (h2c, prior knowledge) multiplexing many streams. Owns its HttpClient (close it).
 * Call from a Vert.x context. Every request has a timeout; error answers become the typed failure
 * named in their JSON body.
 */
public final class ChunkApiClient implements AutoCloseable {
  private static final int UPLOAD_READ_BUFFER = 1 << 20;
  private final Vertx vertx;
  private final HttpClient http;
  private final URI base;
  private final long timeoutMs;

  private final ClientSecurity security;

  private ChunkApiClient(Vertx vertx, HttpClient http, URI base, long timeoutMs,
      ClientSecurity security) {
    this.vertx = vertx;
    this.security = security;
    this.http = http;
    this.base = base;
    this.timeoutMs = timeoutMs;
  }

  /** A client of the server at {@code endpoint} ("http://host:port" or "host:port"). */
  public static ChunkApiClient create(Vertx vertx, String endpoint, int maxStreams,
      long timeoutMs) {
    return create(vertx, endpoint, maxStreams, timeoutMs, ClientSecurity.PLAINTEXT);
  }

  /** Like {@link #create(Vertx, String, int, long)}; an https endpoint is reached over TLS. */
  public static ChunkApiClient create(Vertx vertx, String endpoint, int maxStreams,
      long timeoutMs, ClientSecurity security) {
    HttpClient http = vertx.createHttpClient(security.options(
        Http2Tuning.clientOptions(maxStreams, (int) Math.min(timeoutMs, Integer.MAX_VALUE)),
        ClientSecurity.https(endpoint)));
    return new ChunkApiClient(vertx, http, Endpoints.uri(endpoint), timeoutMs, security);
  }

  public String baseUrl() {
    return base.getScheme() + "://" + base.getHost() + ":" + base.getPort();
  }

  /** The digests among {@code digests} that the server does not hold. */
  public Future<Set<Digest>> missing(Collection<Digest> digests) {
    JsonArray array = new JsonArray();
    digests.forEach(d -> array.add(d.hex()));
    Buffer body = new JsonObject().put("digests", array).toBuffer();
    return http.request(options(HttpMethod.POST, ChunkHttp.MISSING_PATH))
        .compose(req -> req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(body))
        .compose(resp -> expect(resp, 200).compose(r -> r.body()))
        .map(buf -> {
          Set<Digest> out = new LinkedHashSet<>();
          new JsonObject(buf).getJsonArray("missing").forEach(h -> out.add(Digest.parse((String) h)));
          return out;
        })
        .recover(this::asFailure);
  }

  /**
   * Streams bytes {@code [offset, offset+length)} of {@code file} as the raw chunk named
   * {@code digest}. Answers true when the server stored it, false when it already held it.
   */
  public Future<Boolean> upload(Digest digest, Path file, long offset, long length) {
    return upload(digest, file, offset, length, java.util.OptionalInt.empty());
  }

  /**
   * {@link #upload(Digest, Path, long, long)}, sending {@link ChunkHttp#ELEMENT_WIDTH_HEADER} when
   * {@code elementWidth} is present (1, 2 or 4: the chunk lies inside tensors of that width).
   */
  public Future<Boolean> upload(Digest digest, Path file, long offset, long length,
      java.util.OptionalInt elementWidth) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(f -> {
          // The default 8 KiB read buffer makes a thousand reads of an 8 MiB chunk.
          f.setReadPos(offset).setReadLength(length).setReadBufferSize(UPLOAD_READ_BUFFER);
          return http.request(options(HttpMethod.PUT, ChunkHttp.chunkPath(digest)))
              .compose(req -> withWidth(req, elementWidth)
                  .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length))
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream").send(f))
              .compose(resp -> resp.statusCode() == 200 || resp.statusCode() == 201
                  ? resp.body().map(b -> resp.statusCode() == 201)
                  : expect(resp, 201).map(r -> false))
              .eventually(() -> f.close());
        })
        .recover(this::asFailure);
  }

  /** Adds the element-width header when the width is 1, 2 or 4; otherwise sends none. */
  private static io.vertx.core.http.HttpClientRequest withWidth(
      io.vertx.core.http.HttpClientRequest req, java.util.OptionalInt width) {
    int w = width.orElse(0);
    return w == 1 || w == 2 || w == 4
        ? req.putHeader(ChunkHttp.ELEMENT_WIDTH_HEADER, Integer.toString(w)) : req;
  }

  /** Whether the server holds {@code digest}. */
  public Future<Boolean> contains(Digest digest) {
    return http.request(options(HttpMethod.HEAD, ChunkHttp.chunkPath(digest)))
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 404 ? resp.end().map(false)
            : expect(resp, 200).compose(r -> r.end()).map(true))
        .recover(this::asFailure);
  }

  /**
   * How the server stores {@code digest} (its HEAD's codec and frame length), empty when it
   * does not hold it or does not say (an older server); fails on a malformed answer.
   */
  public Future<Optional<ChunkEncoding>> encoding(Digest digest) {
    return http.request(options(HttpMethod.HEAD, ChunkHttp.chunkPath(digest)))
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 404 ? resp.end().map(Optional.<ChunkEncoding>empty())
            : expect(resp, 200).compose(r -> r.end()).map(v -> encodingOf(resp)))
        .recover(this::asFailure);
  }

  private static Optional<ChunkEncoding> encodingOf(HttpClientResponse resp) {
    String codec = resp.getHeader(ChunkHttp.CODEC_HEADER);
    String frame = resp.getHeader(ChunkHttp.FRAME_LENGTH_HEADER);
    if (codec == null || frame == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ChunkEncoding(Codec.fromWireName(codec), Long.parseLong(frame)));
    } catch (IllegalArgumentException e) {
      throw new Unavailable("malformed " + ChunkHttp.FRAME_LENGTH_HEADER + " '" + frame + "'");
    }
  }

  @Override
  public void close() {
    http.close();
  }

  public Future<Void> closeAsync() {
    return http.close();
  }

  private RequestOptions options(HttpMethod method, String path) {
    return security.apply(new RequestOptions().setMethod(method).setHost(base.getHost())
        .setPort(base.getPort()).setURI(path).setTimeout(timeoutMs), base);
  }

  /** Passes {@code resp} on when its status is {@code expected}, else fails with its error body. */
  static Future<HttpClientResponse> expect(HttpClientResponse resp, int expected) {
    if (resp.statusCode() == expected) {
      return Future.succeededFuture(resp);
    }
    return resp.body().compose(body -> Future.failedFuture(HttpFailures.fromResponse(
        resp.statusCode(), body)));
  }

  private <T> Future<T> asFailure(Throwable e) {
    if (e instanceof WeightcastFailure) {
      return Future.failedFuture(e);
    }
    return Future.failedFuture(new Unavailable(baseUrl() + " did not answer: " + e.getMessage(), e));
  }
}
