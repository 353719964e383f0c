package io.weightcast.agent.serve;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Encodes a held chunk for a peer in another rack (it asked with {@code Weightcast-Accept-Encoded}):
 * agents hold chunks decoded, and a copy that crosses a rack uplink raw costs the compression
 * ratio in uplink bytes (1.47x on bf16). The chunk is read from its file and encoded with exactly
 * the codec its manifest records, at {@link ChunkCodec#DEFAULT_LEVEL}; the receiver decodes and
 * verifies the digest as for any frame. Answers empty (serve raw) when every slot is busy or the
 * frame would not be smaller. At most {@code slots} encodes at once, each with its own pair of
 * direct buffers, grown to the largest chunk seen and kept: memory is bounded by
 * {@code slots x 2 x largest chunk}, plus the codec's per-thread scratch (CodecScratch) of the
 * pool's threads: so the pool must be small and fixed, one thread per slot ({@link #POOL}; on
 * Vert.x's 20-thread default pool the scratch alone ran an agent at -Xmx256m out of direct
 * memory). Reads and encodes run on that pool (never the event loop); {@link #encode} is called
 * on the agent server's context, and the slots are synchronized because workers return them.
 */
final class PeerEncoder {
  private static final class Slot {
    ByteBuffer raw = ByteBuffer.allocateDirect(0);
    ByteBuffer out = ByteBuffer.allocateDirect(0);
  }

  /** Name of the worker pool, {@code slots} threads, that runs the encodes. */
  static final String POOL = "wc-peer-encode";

  private final ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL);
  private final Deque<Slot> free = new ArrayDeque<>();

  PeerEncoder(int slots) {
    for (int i = 0; i < slots; i++) {
      free.add(new Slot());
    }
  }

  /** The frame of {@code at} encoded as recorded (copied out of its slot), or empty to serve it raw. */
  Future<Optional<RecentFrames.Frame>> encode(WorkerExecutor pool, HeldChunks.Location at) {
    if (at.codec() == Codec.RAW || at.length() > Integer.MAX_VALUE / 2) {
      return Future.succeededFuture(Optional.empty());
    }
    Slot slot = take();
    if (slot == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.executeBlocking(() -> encodeInto(slot, at), false)
        .eventually(() -> {
          give(slot);
          return Future.succeededFuture();
        });
  }

  private Optional<RecentFrames.Frame> encodeInto(Slot slot, HeldChunks.Location at) throws IOException {
    int length = (int) at.length();
    if (slot.raw.capacity() < length) {
      slot.raw = ByteBuffer.allocateDirect(length);
      slot.out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(length));
    }
    ByteBuffer raw = slot.raw.clear().limit(length);
    try (FileChannel ch = FileChannel.open(at.file(), StandardOpenOption.READ)) {
      while (raw.hasRemaining()) {
        if (ch.read(raw, at.offset() + raw.position()) < 0) {
          throw new IOException("chunk ends early in " + at.file());
        }
      }
    }
    raw.flip();
    ByteBuffer out = slot.out.clear();
    codec.encodeAs(at.codec(), raw, out);
    if (out.remaining() >= length) {
      return Optional.empty();
    }
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return Optional.of(new RecentFrames.Frame(at.codec(), Buffer.buffer(bytes)));
  }

  private synchronized Slot take() {
    return free.pollFirst();
  }

  private synchronized void give(Slot slot) {
    free.addFirst(slot);
  }
}
