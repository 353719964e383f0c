package io.weightcast.agent.assemble;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.DiskErrors;
import io.weightcast.protocol.failure.NoSpace;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead journal of one staged version: which chunks are written, forced and verified.
 * Format (big-endian):
 *
 * <pre>
 * header: magic "WCJ1" (4) | format 1 (4) | manifest SHA-256 (32) | CRC32C of the previous 40 (4)
 * record: file index (4) | chunk index (4) | CRC32C of the previous 8 (4)
 * </pre>
 *
 * Reading stops at the first short or bad record: a torn tail is ignored and cut off before
 * appending resumes. Appends are group-committed: a thread queues its record, and whichever thread
 * finds no flush in progress writes every queued record and forces the file once; each append
 * returns only when its record is on disk. Thread-safe.
 */
final class AssemblyJournal implements Closeable {
  static final int MAGIC = 0x57434A31;
  static final int FORMAT = 1;
  static final int HEADER_BYTES = 44;
  static final int RECORD_BYTES = 12;

  /**
   * What a journal file holds. {@code manifestDigest} is null when the file is absent or its
   * header is unreadable; {@code records} pack {@code fileIndex << 32 | chunkIndex}.
   */
  record Replay(Digest manifestDigest, long[] records, long validLength, boolean tornTail) {
    boolean belongsTo(Digest digest) {
      return digest.equals(manifestDigest);
    }
  }

  private final Path path;
  private final FileChannel channel;
  private ByteBuffer pending = ByteBuffer.allocate(64 * RECORD_BYTES);
  private long end;
  private long appended;
  private long durable;
  private boolean flushing;
  private Throwable failure;

  private AssemblyJournal(Path path, FileChannel channel, long end) {
    this.path = path;
    this.channel = channel;
    this.end = end;
  }

  /** Reads a journal; absent or header-less files give a replay with no digest. */
  static Replay read(Path path) throws IOException {
    if (!Files.exists(path)) {
      return new Replay(null, new long[0], 0, false);
    }
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path));
    if (buf.remaining() < HEADER_BYTES || buf.getInt(0) != MAGIC || buf.getInt(4) != FORMAT
        || buf.getInt(40) != crc(buf, 0, 40)) {
      return new Replay(null, new long[0], 0, buf.remaining() > 0);
    }
    byte[] digest = new byte[Digest.BYTES];
    buf.get(8, digest);
    long[] records = new long[(buf.remaining() - HEADER_BYTES) / RECORD_BYTES];
    int count = 0;
    for (int at = HEADER_BYTES; at + RECORD_BYTES <= buf.limit(); at += RECORD_BYTES) {
      if (buf.getInt(at + 8) != crc(buf, at, 8)) {
        break;
      }
      records[count++] = ((long) buf.getInt(at) << 32) | (buf.getInt(at + 4) & 0xFFFFFFFFL);
    }
    long valid = HEADER_BYTES + (long) count * RECORD_BYTES;
    return new Replay(Digest.of(digest), Arrays.copyOf(records, count), valid,
        valid < buf.limit());
  }

  /**
   * Writes a new journal holding {@code records} to a temporary file, forces it, and renames it
   * over {@code path} (then fsyncs the directory), so a crash leaves either journal whole.
   */
  static AssemblyJournal create(Path path, Digest manifestDigest, long[] records)
      throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + records.length * RECORD_BYTES);
    buf.putInt(MAGIC).putInt(FORMAT).put(manifestDigest.bytes()).putInt(crc(buf, 0, 40));
    for (long r : records) {
      putRecord(buf, (int) (r >>> 32), (int) r);
    }
    buf.flip();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      writeFully(ch, buf, 0);
      ch.force(true);
    }
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.syncDir(path.getParent());
    return resume(path, HEADER_BYTES + (long) records.length * RECORD_BYTES);
  }

  /** Opens an existing journal for appending after its last valid record, cutting any torn tail. */
  static AssemblyJournal resume(Path path, long validLength) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
    try {
      if (ch.size() > validLength) {
        ch.truncate(validLength);
        ch.force(true);
      }
      return new AssemblyJournal(path, ch, validLength);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Appends "chunk done" and returns once it is on disk (possibly forced with other threads'). */
  void append(int fileIndex, int chunkIndex) throws IOException {
    appendRecords(new long[] {((long) fileIndex << 32) | (chunkIndex & 0xFFFFFFFFL)});
  }

  /**
   * Appends "chunk done" for every location (a group commit's batch, whose bytes the caller has
   * forced) and returns once all of them are on disk, with one force unless another thread's is
   * in progress.
   */
  void appendAll(List<ChunkLocation> done) throws IOException {
    if (done.isEmpty()) {
      return;
    }
    long[] records = new long[done.size()];
    for (int i = 0; i < records.length; i++) {
      records[i] = ((long) done.get(i).fileIndex() << 32) | done.get(i).chunk().index();
    }
    appendRecords(records);
  }

  /** Queues packed records ({@code fileIndex << 32 | chunkIndex}) and waits for their force. */
  private void appendRecords(long[] records) throws IOException {
    long ticket;
    synchronized (this) {
      checkUsable();
      for (long r : records) {
        if (pending.remaining() < RECORD_BYTES) {
          pending = grow(pending);
        }
        putRecord(pending, (int) (r >>> 32), (int) r);
      }
      ticket = ++appended;
    }
    flushUpTo(ticket);
  }

  /** Whether appends are still accepted (no earlier failure, not closed). */
  synchronized boolean isUsable() {
    return failure == null && channel.isOpen();
  }

  Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private void flushUpTo(long ticket) throws IOException {
    ByteBuffer batch;
    long batchEnd;
    synchronized (this) {
      boolean interrupted = false;
      // Waits uninterruptibly: giving up after queueing would let the record land unnoticed.
      while (flushing && durable < ticket && failure == null) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (durable >= ticket) {
        return;
      }
      checkUsable();
      flushing = true;
      batchEnd = appended;
      batch = pending.flip();
      pending = ByteBuffer.allocate(Math.max(batch.capacity(), 64 * RECORD_BYTES));
    }
    writeBatch(batch, batchEnd);
  }

  /** Writes and forces one batch; only the thread that set {@code flushing} gets here. */
  private void writeBatch(ByteBuffer batch, long batchEnd) throws IOException {
    try {
      end += writeFully(channel, batch, end);
      channel.force(false);
    } catch (IOException | RuntimeException e) {
      // A full disk is a typed, reported failure ("no space"), not an anonymous I/O error.
      RuntimeException noSpace = DiskErrors.isNoSpace(e)
          ? new NoSpace("no space left on device to journal chunks in " + path, e) : null;
      synchronized (this) {
        failure = noSpace != null ? noSpace : e;
        flushing = false;
        notifyAll();
      }
      if (noSpace != null) {
        throw noSpace;
      }
      throw e;
    }
    synchronized (this) {
      durable = batchEnd;
      flushing = false;
      notifyAll();
    }
  }

  /** Throws when the journal accepts nothing more: it failed earlier (same type) or is closed. */
  synchronized void checkUsable() throws IOException {
    if (failure instanceof NoSpace) {
      throw new NoSpace(failure.getMessage() + " (earlier); reopen the assembly", failure);
    }
    if (failure != null) {
      throw new IOException("journal " + path + " failed earlier (" + failure.getMessage()
          + "); reopen the assembly", failure);
    }
    if (!channel.isOpen()) {
      throw new IOException("journal " + path + " is closed");
    }
  }

  private static void putRecord(ByteBuffer buf, int fileIndex, int chunkIndex) {
    int at = buf.position();
    buf.putInt(fileIndex).putInt(chunkIndex).putInt(crc(buf, at, 8));
  }

  private static int crc(ByteBuffer buf, int at, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(at + length).position(at));
    return (int) crc.getValue();
  }

  private static int writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      total += ch.write(buf, position + total);
    }
    return total;
  }

  private static ByteBuffer grow(ByteBuffer buf) {
    ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
    return bigger.put(buf.flip());
  }
}
