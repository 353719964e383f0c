package io.weightcast.agent.assemble;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ChunkDecoder;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidManifest;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The files of one staged version and their channels. Each file's channel is opened READ+WRITE on
 * first use and kept until {@link #syncAndClose} or {@link #close}. Thread-safe.
 *
 * <p>Writes: a chunk is decoded into a per-thread direct buffer, verified there, then written at
 * its offset with a positional write; {@link #force} makes a file's written chunks durable
 * (fdatasync), once per group commit ({@link GroupCommit}). It is never written through
 * a shared mapping: writing back dirty mapped pages write-protects each page and flushes the TLB
 * on every core (page_mkclean), which took most of the system time when measured on this kind of
 * 2-core VM (decode into a mapping + msync: ~46 MB/s for one agent). Unverified bytes never reach
 * the file.
 *
 * <p>Reads (re-verification) go through read-only {@link #WINDOW}-sized windows
 * ({@code FileChannel.map}, so files beyond 2 GiB work), mapped once per file region; a chunk
 * that straddles two windows gets its own. Java 17 has no public unmap: the GC unmaps them.
 */
final class StagedFiles implements Closeable {
  private final Manifest manifest;
  private final Path[] paths;
  private final AtomicReferenceArray<FileChannel> channels;
  /** Windows by file, then by {@code offset / WINDOW}; created on first use. */
  private final java.util.concurrent.ConcurrentHashMap<Long, MappedByteBuffer> windows =
      new java.util.concurrent.ConcurrentHashMap<>();
  static final long WINDOW = 1L << 30;

  /** What a full re-hash of one file found. */
  record FileCheck(boolean fileMatches, List<ChunkLocation> damagedChunks) {}

  private StagedFiles(Manifest manifest, Path[] paths) {
    this.manifest = manifest;
    this.paths = paths;
    this.channels = new AtomicReferenceArray<>(paths.length);
  }

  /**
   * Resolves every manifest path under {@code stagingDir}, refusing any that would leave it
   * (defence in depth: {@link Manifest} already rejects '..' and absolute paths).
   */
  static StagedFiles resolve(Path stagingDir, Manifest manifest) {
    Path root = stagingDir.toAbsolutePath().normalize();
    Path[] paths = new Path[manifest.files().size()];
    for (int i = 0; i < paths.length; i++) {
      String rel = manifest.files().get(i).path();
      Path p = root.resolve(rel).normalize();
      if (!p.startsWith(root) || p.equals(root)) {
        throw new InvalidManifest("file path '" + rel + "' leaves the staging dir " + root);
      }
      paths[i] = p;
    }
    return new StagedFiles(manifest, paths);
  }

  Path path(int fileIndex) {
    return paths[fileIndex];
  }

  /** Bytes still to preallocate: each file's size minus what it already has on disk. */
  long bytesToAllocate() throws IOException {
    long needed = 0;
    for (int i = 0; i < paths.length; i++) {
      boolean exists = Files.isRegularFile(paths[i], LinkOption.NOFOLLOW_LINKS);
      long have = exists ? Files.size(paths[i]) : 0;
      needed += Math.max(0, manifest.files().get(i).size() - have);
    }
    return needed;
  }

  /** Creates every file (and its directories) at full size with its blocks reserved. */
  void preallocate() throws IOException {
    for (int i = 0; i < paths.length; i++) {
      Files.createDirectories(paths[i].getParent());
      Preallocator.allocate(paths[i], manifest.files().get(i).size());
    }
  }

  /**
   * Checks the frame against the encoding the manifest records (another codec or, for that
   * codec, another frame length: {@link DigestMismatch}, refetch; raw frames from peers pass),
   * decodes it into this thread's buffer while hashing it ({@link ChunkDecoder}: each slice
   * is hashed as it is produced), checks the SHA-256 ({@link DigestMismatch} if it differs), then
   * writes it at its offset (into the page cache: durable only after {@link #force}).
   */
  void write(ChunkLocation at, Codec codec, ByteBuffer encoded) throws IOException {
    at.chunk().encoding().ifPresent(e -> e.requireMatches(codec, encoded.remaining()));
    int length = (int) at.chunk().length();
    ByteBuffer decoded = scratch(length);
    Digest actual = ChunkDecoder.decodeAndHash(codec, encoded, decoded, length);
    if (!actual.equals(at.chunk().digest())) {
      throw new DigestMismatch("chunk " + at + " of " + manifest.id() + " decodes to sha256 "
          + actual.shortHex() + ", expected " + at.chunk().digest().shortHex());
    }
    FileChannel ch = channel(at.fileIndex());
    long position = at.chunk().offset();
    while (decoded.hasRemaining()) {
      position += ch.write(decoded, position);
    }
  }

  /** fdatasyncs the file: every chunk written into it so far is durable when this returns. */
  void force(int fileIndex) throws IOException {
    channel(fileIndex).force(false);
  }

  /** This thread's decode buffer, at least {@code length} bytes, positioned at 0, limit length. */
  private static ByteBuffer scratch(int length) {
    ByteBuffer b = SCRATCH.get();
    if (b == null || b.capacity() < length) {
      b = ByteBuffer.allocateDirect(length);
      SCRATCH.set(b);
    }
    return b.clear().limit(length);
  }

  private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

  /** A chunk's bytes inside a read-only window: {@code [index, index + length)}. */
  private record Region(MappedByteBuffer window, int index, int length) {
    MappedByteBuffer view() {
      return window.slice(index, length);
    }
  }

  private Region region(int fileIndex, ChunkSpec chunk) throws IOException {
    long first = chunk.offset() / WINDOW;
    long last = (chunk.end() - 1) / WINDOW;
    if (first != last) {
      MappedByteBuffer own = channel(fileIndex).map(FileChannel.MapMode.READ_ONLY,
          chunk.offset(), chunk.length());
      return new Region(own, 0, (int) chunk.length());
    }
    long key = ((long) fileIndex << 32) | first;
    MappedByteBuffer window = windows.get(key);
    if (window == null) {
      long start = first * WINDOW;
      long size = Math.min(WINDOW, manifest.files().get(fileIndex).size() - start);
      try {
        window = windows.computeIfAbsent(key, k -> mapQuietly(fileIndex, start, size));
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return new Region(window, (int) (chunk.offset() - first * WINDOW), (int) chunk.length());
  }

  private MappedByteBuffer mapQuietly(int fileIndex, long start, long size) {
    try {
      return channel(fileIndex).map(FileChannel.MapMode.READ_ONLY, start, size);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** SHA-256 of the chunk's bytes as they are on disk now. */
  Digest hash(ChunkLocation at) throws IOException {
    return Digest.sha256(region(at.fileIndex(), at.chunk()).view());
  }

  /** Re-hashes a whole file, chunk by chunk, against the manifest's file and chunk digests. */
  FileCheck check(int fileIndex) throws IOException {
    FileEntry file = manifest.files().get(fileIndex);
    MessageDigest fileMd = Digest.newSha256();
    List<ChunkLocation> damaged = new ArrayList<>();
    for (ChunkSpec chunk : file.chunks()) {
      MappedByteBuffer window = region(fileIndex, chunk).view();
      fileMd.update(window.duplicate());
      if (!Digest.sha256(window).equals(chunk.digest())) {
        damaged.add(new ChunkLocation(fileIndex, file, chunk));
      }
    }
    boolean sizeMatches = Files.size(paths[fileIndex]) == file.size();
    return new FileCheck(sizeMatches && Digest.finish(fileMd).equals(file.digest()), damaged);
  }

  /** fsyncs every file (data and size) and closes the open channels. */
  void syncAndClose() throws IOException {
    windows.clear();
    for (int i = 0; i < paths.length; i++) {
      FileChannel ch = channels.getAndSet(i, null);
      if (ch == null) {
        DurableFiles.syncFile(paths[i]);
      } else {
        try (ch) {
          ch.force(true);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    windows.clear();
    IOException first = null;
    for (int i = 0; i < paths.length; i++) {
      FileChannel ch = channels.getAndSet(i, null);
      try {
        if (ch != null) {
          ch.close();
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private FileChannel channel(int fileIndex) throws IOException {
    FileChannel ch = channels.get(fileIndex);
    if (ch != null) {
      return ch;
    }
    synchronized (this) {
      ch = channels.get(fileIndex);
      if (ch == null) {
        ch = FileChannel.open(paths[fileIndex], StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
        channels.set(fileIndex, ch);
      }
      return ch;
    }
  }
}
