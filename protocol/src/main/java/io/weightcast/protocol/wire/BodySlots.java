package io.weightcast.protocol.wire;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded, process-wide set of reusable direct buffers of {@link #SLOT_BYTES} each, which
 * {@link FileBodies} reads whole HTTP/2 response bodies into. The bound is the memory bound: when
 * every slot is lent out, callers fall back to streaming, so serving never holds more than
 * {@code maxSlots x SLOT_BYTES} of direct memory. Thread-safe (servers may run on several event
 * loops); a slot is given back only after the write that used it has completed.
 */
final class BodySlots {
  /** One full chunk frame of the default 8 MiB chunk size (stored frames never exceed raw). */
  static final int SLOT_BYTES = 8 << 20;
  /** At most this many slots, and at most 1/8 of the heap limit (the default direct limit). */
  static final int MAX_SLOTS = 16;

  private final int maxSlots;
  private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger allocated = new AtomicInteger();

  BodySlots(int maxSlots) {
    if (maxSlots < 0) {
      throw new IllegalArgumentException("maxSlots must be >= 0, got " + maxSlots);
    }
    this.maxSlots = maxSlots;
  }

  /** Slots for this JVM: min(16, maxMemory / 8 / 8 MiB); e.g. 7 at -Xmx512m, 3 at -Xmx256m. */
  static int defaultSlots() {
    return (int) Math.min(MAX_SLOTS, Runtime.getRuntime().maxMemory() / 8 / SLOT_BYTES);
  }

  /** A cleared slot with limit {@code length}, or null when none is free or it would not fit. */
  ByteBuffer tryTake(long length) {
    if (length > SLOT_BYTES) {
      return null;
    }
    ByteBuffer b = free.poll();
    if (b != null) {
      return b.clear().limit((int) length);
    }
    if (allocated.incrementAndGet() > maxSlots) {
      allocated.decrementAndGet();
      return null;
    }
    try {
      return ByteBuffer.allocateDirect(SLOT_BYTES).limit((int) length);
    } catch (OutOfMemoryError e) {
      // Direct memory is tighter than the heap suggested: stream instead.
      allocated.decrementAndGet();
      return null;
    }
  }

  void give(ByteBuffer slot) {
    free.add(slot);
  }

  int lentOut() {
    return allocated.get() - free.size();
  }
}
