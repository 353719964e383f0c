package io.weightcast.agent.fetch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A bounded set of direct buffers that chunk bodies land in before they are written to disk. The
 * bound is the agent's memory bound: when every buffer waits for a slow disk, no new fetch starts,
 * so the disk slows the network instead of growing the heap. Buffers are reused (direct memory is
 * freed only by GC). Confined to the agent verticle's context; release may come from the context
 * only.
 */
public final class BufferPool {
  private final int maxBuffers;
  private final List<ByteBuffer> free = new ArrayList<>();
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  private int allocated;

  private record Waiter(int capacity, Promise<ByteBuffer> promise) {}

  public BufferPool(int maxBuffers) {
    this.maxBuffers = maxBuffers;
  }

  /** A cleared buffer of at least {@code capacity} bytes, when one is free. */
  public Future<ByteBuffer> acquire(int capacity) {
    ByteBuffer b = take(capacity);
    if (b != null) {
      return Future.succeededFuture(b);
    }
    Promise<ByteBuffer> p = Promise.promise();
    waiters.add(new Waiter(capacity, p));
    return p.future();
  }

  public void release(ByteBuffer buffer) {
    free.add(buffer.clear());
    while (!waiters.isEmpty()) {
      Waiter w = waiters.peek();
      ByteBuffer b = take(w.capacity());
      if (b == null) {
        return;
      }
      waiters.poll();
      w.promise().complete(b);
    }
  }

  public int inUse() {
    return allocated - free.size();
  }

  private ByteBuffer take(int capacity) {
    for (int i = 0; i < free.size(); i++) {
      if (free.get(i).capacity() >= capacity) {
        return free.remove(i).clear().limit(capacity);
      }
    }
    if (allocated < maxBuffers) {
      allocated++;
      return ByteBuffer.allocateDirect(capacity);
    }
    if (!free.isEmpty()) {
      free.remove(free.size() - 1);
      return ByteBuffer.allocateDirect(capacity);
    }
    return null;
  }
}
