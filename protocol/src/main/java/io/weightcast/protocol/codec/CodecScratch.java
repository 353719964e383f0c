package io.weightcast.protocol.codec;

import java.nio.ByteBuffer;

/**
 * Per-thread direct scratch buffers of {@link ChunkCodec}: the shuffled planes of one chunk and
 * one candidate frame. Each grows to the largest chunk its thread has handled and lives as long
 * as the thread (the worker pools that run the codec are fixed and small, so this is bounded by
 * threads x 2 x chunk size). A buffer is only valid until the same thread's next codec call.
 */
final class CodecScratch {
  private static final ThreadLocal<ByteBuffer> PLANES = new ThreadLocal<>();
  private static final ThreadLocal<ByteBuffer> FRAME = new ThreadLocal<>();

  private CodecScratch() {}

  static ByteBuffer planes(int capacity) {
    return grown(PLANES, capacity);
  }

  static ByteBuffer frame(int capacity) {
    return grown(FRAME, capacity);
  }

  private static ByteBuffer grown(ThreadLocal<ByteBuffer> slot, int capacity) {
    ByteBuffer b = slot.get();
    if (b == null || b.capacity() < capacity) {
      b = ByteBuffer.allocateDirect(Math.max(1, capacity));
      slot.set(b);
    }
    return b.clear();
  }
}
