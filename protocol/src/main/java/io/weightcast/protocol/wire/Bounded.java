package io.weightcast.protocol.wire;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Runs an async step over items with at most {@code limit} in flight, stopping at the first
 * failure (steps already started finish; no new ones start). Call from a Vert.x context.
 */
public final class Bounded {
  private Bounded() {}

  public static <T> Future<Void> forEach(List<T> items, int limit, Function<T, Future<?>> step) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    Promise<Void> done = Promise.promise();
    Runner<T> runner = new Runner<>(items.iterator(), step, done, items.size());
    if (items.isEmpty()) {
      done.complete();
    }
    for (int i = 0; i < Math.min(limit, items.size()); i++) {
      runner.next();
    }
    return done.future();
  }

  /** State of one forEach; touched only on the caller's context. */
  private static final class Runner<T> {
    private final Iterator<T> items;
    private final Function<T, Future<?>> step;
    private final Promise<Void> done;
    private int remaining;

    Runner(Iterator<T> items, Function<T, Future<?>> step, Promise<Void> done, int count) {
      this.items = items;
      this.step = step;
      this.done = done;
      this.remaining = count;
    }

    void next() {
      if (done.future().isComplete() || !items.hasNext()) {
        return;
      }
      T item = items.next();
      Future<?> f;
      try {
        f = step.apply(item);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        if (--remaining == 0) {
          done.tryComplete();
        } else {
          next();
        }
      });
    }
  }
}
