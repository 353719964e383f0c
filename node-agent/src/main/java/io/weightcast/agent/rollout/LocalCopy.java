package io.weightcast.agent.rollout;

import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.assemble.VersionAssembly;
import io.weightcast.agent.serve.HeldChunks;
import io.weightcast.protocol.codec.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Copies a chunk this node already holds (in a published version of any model, or in a staging
 * file) into the version being assembled: (1) read exactly the chunk's bytes from the held file;
 * (2) hand them to {@link VersionAssembly#writeChunk} as a raw frame, which checks the SHA-256
 * before writing at the chunk's offset, forces and journals it, as for a fetched chunk. A held copy
 * that was damaged on disk or deleted meanwhile fails here, and the caller fetches instead.
 * Blocking: runs on the disk pool; any thread.
 */
final class LocalCopy {
  private static final ThreadLocal<ByteBuffer> BUFFER = new ThreadLocal<>();

  private LocalCopy() {}

  /** Copies {@code from} into {@code to}; true when written, false when it was already done. */
  static boolean copy(HeldChunks.Location from, VersionAssembly assembly, ChunkLocation to)
      throws IOException {
    int length = (int) to.chunk().length();
    if (from.length() != length) {
      throw new IOException("held copy is " + from.length() + " bytes, chunk is " + length);
    }
    ByteBuffer buf = buffer(length);
    try (FileChannel ch = FileChannel.open(from.file(), StandardOpenOption.READ)) {
      long pos = from.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException(from.file() + " ends before the held chunk");
        }
        pos += n;
      }
    }
    return assembly.writeChunk(to, Codec.RAW, buf.flip());
  }

  private static ByteBuffer buffer(int length) {
    ByteBuffer b = BUFFER.get();
    if (b == null || b.capacity() < length) {
      b = ByteBuffer.allocateDirect(length);
      BUFFER.set(b);
    }
    return b.clear().limit(length);
  }
}
