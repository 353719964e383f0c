package io.weightcast.protocol.wire;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.weightcast.protocol.limits.BandwidthLimiter;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sends a byte range of a file as a response body. HTTP/1.1 uses {@code sendFile} (sendfile(2),
 * zero-copy). HTTP/2 cannot, and Vert.x 5.0.7's HTTP/2 {@code sendFile} pipes the file with 8 KiB
 * reads (perf/README.md: 4.7 distributor CPU-s per GiB served). So an HTTP/2 body of at most
 * {@link BodySlots#SLOT_BYTES} is (1) read whole on a worker, with positional reads, into a
 * pooled direct slot (one copy, no heap buffer), (2) written with one {@code end()} (Netty cuts it
 * into DATA frames of the peer's max frame size straight from the slot), (3) the slot is given
 * back once that write has completed or failed. When no slot is free (the memory bound, see
 * {@link BodySlots}), the body is larger or {@code egress} is capped, it is piped from an {@code AsyncFile} with
 * {@link #READ_BUFFER}-sized reads, with back-pressure. Call on the response's context.
 */
public final class FileBodies {
  public static final int READ_BUFFER = 1 << 20;
  private static final BodySlots SLOTS = new BodySlots(BodySlots.defaultSlots());

  private FileBodies() {}

  public static Future<Void> send(FileSystem fs, HttpServerResponse response, HttpVersion version,
      String path, long offset, long length) {
    return send(fs, response, version, path, offset, length, BandwidthLimiter.UNLIMITED);
  }

  /** Like the above, held to {@code egress} (a capped body is always piped: sendfile can't be). */
  public static Future<Void> send(FileSystem fs, HttpServerResponse response, HttpVersion version,
      String path, long offset, long length, BandwidthLimiter egress) {
    if (version != HttpVersion.HTTP_2 && egress.unlimited()) {
      return response.sendFile(path, offset, length);
    }
    response.putHeader("content-length", Long.toString(length));
    Context context = Vertx.currentContext();
    // A capped body is piped through the limiter; one end() would send it at once.
    ByteBuffer slot = context == null || !egress.unlimited() ? null : SLOTS.tryTake(length);
    if (slot == null) {
      return pipe(fs, response, path, offset, length, egress);
    }
    return context.executeBlocking(() -> readFully(Path.of(path), offset, slot), false)
        .compose(filled -> response.end(BufferInternal.buffer(Unpooled.wrappedBuffer(filled))))
        .eventually(() -> {
          SLOTS.give(slot);
          return Future.succeededFuture();
        });
  }

  /** Slots lent out now (tests: every slot comes back). */
  static int slotsInUse() {
    return SLOTS.lentOut();
  }

  private static Future<Void> pipe(FileSystem fs, HttpServerResponse response, String path,
      long offset, long length, BandwidthLimiter egress) {
    return fs.open(path, new OpenOptions().setRead(true).setWrite(false)).compose(file -> {
      file.setReadPos(offset).setReadLength(length).setReadBufferSize(READ_BUFFER);
      return Throttle.of(io.vertx.core.Vertx.currentContext().owner(), file, egress)
          .pipeTo(response).eventually(file::close);
    });
  }

  /** Fills {@code slot} (position to limit) from {@code file} at {@code offset}; flips it. */
  static ByteBuffer readFully(Path file, long offset, ByteBuffer slot) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = offset;
      while (slot.hasRemaining()) {
        int n = ch.read(slot, pos);
        if (n < 0) {
          throw new EOFException(file + " ended at byte " + pos + ", " + slot.remaining()
              + " bytes before the range did");
        }
        pos += n;
      }
    }
    return slot.flip();
  }
}
