package io.weightcast.protocol.wire;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.weightcast.protocol.limits.BandwidthLimiter;

/**
 * A body stream held to a {@link BandwidthLimiter}: each buffer is passed on, counted, and when
 * the limiter answers a wait the source is paused and resumed by a Vert.x timer after it. Never
 * blocks; back-pressure reaches the network (a paused HTTP/2 stream stops granting window, a
 * paused file stops reading). Confined to the source's context: handlers, pause/resume and the
 * timer all run there.
 */
public final class Throttle implements ReadStream<Buffer> {
  private final Vertx vertx;
  private final ReadStream<Buffer> source;
  private final BandwidthLimiter limiter;
  private boolean pausedByReader;
  private long timer = -1;

  private Throttle(Vertx vertx, ReadStream<Buffer> source, BandwidthLimiter limiter) {
    this.vertx = vertx;
    this.source = source;
    this.limiter = limiter;
  }

  /** {@code source} itself when unlimited, else the throttled stream. */
  public static ReadStream<Buffer> of(Vertx vertx, ReadStream<Buffer> source,
      BandwidthLimiter limiter) {
    return limiter.unlimited() ? source : new Throttle(vertx, source, limiter);
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : buffer -> {
      handler.handle(buffer);
      long waitNanos = limiter.consume(buffer.length());
      if (waitNanos > 0 && timer < 0) {
        source.pause();
        timer = vertx.setTimer(Math.max(1, waitNanos / 1_000_000), t -> {
          timer = -1;
          if (!pausedByReader) {
            source.resume();
          }
        });
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    pausedByReader = true;
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    pausedByReader = false;
    if (timer < 0) {
      source.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (timer < 0) {
      source.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler == null ? null : v -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      endHandler.handle(v);
    });
    return this;
  }
}
