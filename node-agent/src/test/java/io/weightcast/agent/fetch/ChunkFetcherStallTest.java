package io.weightcast.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.Http2Tuning;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stall check counts the source, not only the stream: a real HTTP/2 (h2c) server on
 * loopback answers chunk {@link #STUCK} with 16 bytes and then nothing, and chunk {@link #SLOW}
 * with 1 KiB every 100 ms, ending after {@link #SLOW_MS}. Over one connection the stuck stream is
 * not reset while its sibling moves (a slow source is not a dead one), though it waits more than
 * {@code stallMs}, and is reset as {@link Unavailable} "stalled" once the sibling ends. Alone, a
 * stuck stream fails after {@code stallMs}.
 */
class ChunkFetcherStallTest {
  private static final int LENGTH = 64 * 1024;
  private static final long STALL_MS = 600;
  private static final long SLOW_MS = 2_000;
  private static final Digest STUCK = Digest.sha256(new byte[] {1});
  private static final Digest SLOW = Digest.sha256(new byte[] {2});

  private Vertx vertx;
  private Context context;
  private HttpServer server;
  private ChunkFetcher fetcher;
  private String source;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    server = vertx.createHttpServer(Http2Tuning.serverOptions("127.0.0.1", 0))
        .requestHandler(this::serve);
    int port = server.listen().await().actualPort();
    source = "http://127.0.0.1:" + port;
    fetcher = onContext(() -> Future.succeededFuture(
        new ChunkFetcher(vertx, new BufferPool(4), 8, STALL_MS))).await();
  }

  @AfterEach
  void stop() {
    onContext(fetcher::close).await();
    server.close().await();
    vertx.close().await();
  }

  @Test
  void aStreamWaitingBesideAMovingSiblingIsNotStalledUntilTheSourceStops() throws Exception {
    long startedAt = System.nanoTime();
    Future<FetchedChunk> slow = onContext(() -> fetcher.fetch(source, SLOW, LENGTH));
    Future<FetchedChunk> stuck = onContext(() -> fetcher.fetch(source, STUCK, LENGTH));

    slow.await();
    long slowDoneMs = elapsedMs(startedAt);
    assertTrue(slowDoneMs >= SLOW_MS - 200, "the slow chunk trickled for ~2 s: " + slowDoneMs);
    assertFalse(stuck.isComplete(),
        "the stuck stream is not reset while its sibling from the same source moves");
    Throwable failure = awaitFailure(stuck);
    assertInstanceOf(Unavailable.class, failure, "once the source stops, the stuck one is reset");
    assertTrue(failure.getMessage().contains("stalled"), failure.getMessage());
    onContext(() -> {
      fetcher.release(slow.result());
      return Future.succeededFuture();
    }).await();
  }

  @Test
  void aStuckStreamAloneFailsAfterTheStallPeriod() throws Exception {
    long startedAt = System.nanoTime();
    Throwable failure = awaitFailure(onContext(() -> fetcher.fetch(source, STUCK, LENGTH)));
    long failedMs = elapsedMs(startedAt);
    assertInstanceOf(Unavailable.class, failure);
    assertTrue(failedMs >= STALL_MS && failedMs < STALL_MS + 2_000,
        "stalled after ~" + STALL_MS + " ms: " + failedMs);
  }

  private void serve(HttpServerRequest req) {
    Digest digest = Digest.parse(req.path().substring(ChunkHttp.CHUNKS_PATH.length()));
    HttpServerResponse resp = req.response().setStatusCode(200)
        .putHeader(ChunkHttp.CODEC_HEADER, Codec.RAW.wireName())
        .putHeader(ChunkHttp.RAW_LENGTH_HEADER, String.valueOf(LENGTH))
        .putHeader(ChunkHttp.FRAME_LENGTH_HEADER, String.valueOf(LENGTH));
    if (digest.equals(STUCK)) {
      resp.write(Buffer.buffer(new byte[16]));
      return;
    }
    int slices = (int) (SLOW_MS / 100);
    int slice = LENGTH / slices;
    int[] sent = {0};
    vertx.setPeriodic(100, t -> {
      sent[0]++;
      if (sent[0] < slices) {
        resp.write(Buffer.buffer(new byte[slice]));
      } else {
        vertx.cancelTimer(t);
        resp.end(Buffer.buffer(new byte[LENGTH - slice * (slices - 1)]));
      }
    });
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture()
        .handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
  }

  private static long elapsedMs(long startedAt) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
  }

  /** The fetcher is confined to {@link #context}. */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }
}
