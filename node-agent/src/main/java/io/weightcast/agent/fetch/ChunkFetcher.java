package io.weightcast.agent.fetch;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.security.ClientSecurity;
import io.vertx.core.streams.ReadStream;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.ChunkHttp.AcceptEncoded;
import io.weightcast.protocol.wire.Throttle;
import io.weightcast.protocol.wire.Endpoints;
import io.weightcast.protocol.wire.Http2Tuning;
import io.weightcast.protocol.wire.HttpFailures;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches encoded chunk frames over HTTP/2 (one multiplexed connection per source) into pooled
 * direct buffers. A transfer that receives no bytes for {@code stallMs} is reset and fails as
 * {@link Unavailable}; a body of the wrong length fails as {@link DigestMismatch}. Confined to the
 * agent verticle's context (requests are issued from it, see ../shared/STACK-NOTES.md).
 */
public final class ChunkFetcher {
  private final Vertx vertx;
  private final BufferPool pool;
  private final int streamsPerSource;
  private final long stallMs;
  private final Map<String, HttpClient> clients = new HashMap<>();
  /** Per source: when bytes of any of its streams last arrived (System.nanoTime). */
  private final Map<String, long[]> sourceLastBytes = new HashMap<>();
  /** Cap on the bytes received from every source together (0 = unlimited). */
  private final BandwidthLimiter ingress;

  private final ClientSecurity security;

  public ChunkFetcher(Vertx vertx, BufferPool pool, int streamsPerSource, long stallMs) {
    this(vertx, pool, streamsPerSource, stallMs, ClientSecurity.PLAINTEXT,
        BandwidthLimiter.UNLIMITED);
  }

  /**
   * {@code security}: trust, client certificate and token for https sources; {@code ingress}: the
   * cap on bytes received from every source together.
   */
  public ChunkFetcher(Vertx vertx, BufferPool pool, int streamsPerSource, long stallMs,
      ClientSecurity security, BandwidthLimiter ingress) {
    this.security = security;
    this.ingress = ingress;
    this.vertx = vertx;
    this.pool = pool;
    this.streamsPerSource = streamsPerSource;
    this.stallMs = stallMs;
  }

  /** Fetches the frame of chunk {@code digest} (raw length {@code rawLength}) from {@code source}. */
  public Future<FetchedChunk> fetch(String source, Digest digest, int rawLength) {
    return fetch(source, digest, rawLength, AcceptEncoded.NO);
  }

  /**
   * Like {@link #fetch(String, Digest, int)}, asking a peer agent for the chunk encoded as its
   * manifest records ({@link ChunkHttp#ACCEPT_ENCODED_HEADER}), which it may still send raw.
   */
  public Future<FetchedChunk> fetch(String source, Digest digest, int rawLength,
      AcceptEncoded encoded) {
    int capacity = ChunkCodec.maxEncodedLength(rawLength);
    return pool.acquire(capacity).compose(buf -> request(source, digest, rawLength, encoded, buf)
        .onFailure(e -> pool.release(buf)));
  }

  public void release(FetchedChunk chunk) {
    pool.release(chunk.frame());
  }

  private Future<FetchedChunk> request(String source, Digest digest, int rawLength,
      AcceptEncoded encoded, ByteBuffer buf) {
    URI base = Endpoints.uri(source);
    RequestOptions options = security.apply(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(base.getHost()).setPort(base.getPort()).setURI(ChunkHttp.chunkPath(digest))
        .setConnectTimeout(stallMs).setIdleTimeout(stallMs), base);
    if (encoded != AcceptEncoded.NO) {
      options.putHeader(ChunkHttp.ACCEPT_ENCODED_HEADER, encoded.headerValue());
    }
    return client(source).request(options)
        .compose(req -> req.send())
        .compose(resp -> receive(resp, source, digest, rawLength, buf))
        .recover(e -> Future.failedFuture(e instanceof WeightcastFailure ? e
            : new Unavailable(source + " failed to send chunk " + digest.shortHex() + ": "
                + e.getMessage(), e)));
  }

  private Future<FetchedChunk> receive(HttpClientResponse resp, String source, Digest digest,
      int rawLength, ByteBuffer buf) {
    if (resp.statusCode() != 200) {
      return resp.body().compose(b -> Future.failedFuture(
          HttpFailures.fromResponse(resp.statusCode(), b)));
    }
    Codec codec;
    long frameLength;
    try {
      codec = Codec.fromWireName(resp.getHeader(ChunkHttp.CODEC_HEADER));
      String frameHeader = resp.getHeader(ChunkHttp.FRAME_LENGTH_HEADER);
      frameLength = Long.parseLong(frameHeader != null ? frameHeader
          : resp.getHeader("content-length"));
      long raw = Long.parseLong(resp.getHeader(ChunkHttp.RAW_LENGTH_HEADER));
      if (raw != rawLength || frameLength > buf.capacity() || frameLength < 0) {
        throw new DigestMismatch("source announces " + raw + " raw / " + frameLength
            + " frame bytes for a chunk of " + rawLength);
      }
    } catch (RuntimeException e) {
      resp.request().reset();
      return Future.failedFuture(e instanceof WeightcastFailure ? e : new DigestMismatch(
          source + " sent unusable headers for " + digest.shortHex() + ": " + e.getMessage()));
    }
    buf.clear().limit((int) frameLength);
    Promise<FetchedChunk> done = Promise.promise();
    long[] lastBytesAt = watchForStall(resp, source, digest, done);
    ReadStream<Buffer> body = Throttle.of(vertx, resp, ingress);
    long[] sourceBytesAt = sourceLastBytes.computeIfAbsent(source, s -> new long[1]);
    body.handler(data -> {
      lastBytesAt[0] = System.nanoTime();
      sourceBytesAt[0] = lastBytesAt[0];
      copy(data, buf, resp, done);
    });
    body.exceptionHandler(done::tryFail);
    body.endHandler(v -> {
      if (buf.hasRemaining()) {
        done.tryFail(new DigestMismatch(source + " ended chunk " + digest.shortHex() + " after "
            + buf.position() + " of " + frameLength + " bytes"));
      } else {
        done.tryComplete(new FetchedChunk(codec, buf.flip(), source));
      }
    });
    return done.future();
  }

  /**
   * Fails {@code done} as {@link Unavailable} (and resets the stream) when the body stops: no
   * bytes for {@code stallMs} on this stream <em>nor on any other stream from the same
   * source</em>. The request's idle timeout does not cover a response body that started and then
   * stalled (found by MisbehavingPeerTest: such a fetch hung forever), so a periodic check every
   * {@code stallMs / 4} compares the time of the last bytes received. Why the source too: many
   * streams share one HTTP/2 connection, and behind a narrow link a stream can wait more than
   * {@code stallMs} for its share while its siblings move (seen in the fan-out benchmark without a
   * crossing cap: six streams from a busy origin reset and refetched); that source is slow, not
   * dead. Answers this stream's time holder, for the body handler to update (confined to the
   * context).
   */
  private long[] watchForStall(HttpClientResponse resp, String source, Digest digest,
      Promise<FetchedChunk> done) {
    long[] lastBytesAt = {System.nanoTime()};
    long[] sourceBytesAt = sourceLastBytes.computeIfAbsent(source, s -> new long[1]);
    long timer = vertx.setPeriodic(Math.max(1, stallMs / 4), t -> {
      long last = Math.max(lastBytesAt[0], sourceBytesAt[0]);
      if (System.nanoTime() - last >= stallMs * 1_000_000) {
        done.tryFail(new Unavailable(source + " stalled: no bytes of chunk " + digest.shortHex()
            + " for " + stallMs + " ms"));
        resp.request().reset();
      }
    });
    done.future().onComplete(ar -> vertx.cancelTimer(timer));
    return lastBytesAt;
  }

  private static void copy(Buffer data, ByteBuffer buf, HttpClientResponse resp,
      Promise<FetchedChunk> done) {
    if (data.length() > buf.remaining()) {
      resp.request().reset();
      done.tryFail(new DigestMismatch("source sent more bytes than the frame length"));
      return;
    }
    ByteBuf bytes = ((BufferInternal) data).getByteBuf();
    int n = data.length();
    ByteBuffer target = buf.slice(buf.position(), n);
    bytes.getBytes(bytes.readerIndex(), target);
    buf.position(buf.position() + n);
  }

  private HttpClient client(String source) {
    return clients.computeIfAbsent(source, s -> vertx.createHttpClient(security.options(
        Http2Tuning.clientOptions(streamsPerSource, (int) stallMs), ClientSecurity.https(s))));
  }

  public Future<Void> close() {
    List<Future<Void>> closing = clients.values().stream().map(HttpClient::close).toList();
    clients.clear();
    return Future.join(closing).mapEmpty();
  }
}
