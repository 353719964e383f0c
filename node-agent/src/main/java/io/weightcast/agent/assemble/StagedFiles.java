package io.weightcast.agent.assemble;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ChunkCodec;
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
 * first use and kept until {@link #syncAndClose} or {@link #close}. Chunks are reached through
 * windows of at most one chunk ({@code FileChannel.map}, so files beyond 2 GiB work); Java 17 has
 * no public unmap, so windows are unmapped when the GC collects them (and {@code map} itself runs
 * a GC and retries when the address space runs short). Thread-safe.
 */
final class StagedFiles implements Closeable {
  private final Manifest manifest;
  private final Path[] paths;
  private final AtomicReferenceArray<FileChannel> channels;

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
   * Decodes a chunk into a writable window over exactly its bytes, checks the SHA-256 of the
   * window ({@link DigestMismatch} if it differs) and forces the window to disk.
   */
  void write(ChunkLocation at, Codec codec, ByteBuffer encoded) throws IOException {
    MappedByteBuffer window = channel(at.fileIndex()).map(FileChannel.MapMode.READ_WRITE,
        at.chunk().offset(), at.chunk().length());
    ChunkCodec.decode(codec, encoded, window, (int) at.chunk().length());
    Digest actual = Digest.sha256(window);
    if (!actual.equals(at.chunk().digest())) {
      throw new DigestMismatch("chunk " + at + " of " + manifest.id() + " decodes to sha256 "
          + actual.shortHex() + ", expected " + at.chunk().digest().shortHex());
    }
    window.force();
  }

  /** SHA-256 of the chunk's bytes as they are on disk now. */
  Digest hash(ChunkLocation at) throws IOException {
    return Digest.sha256(mapForRead(at.fileIndex(), at.chunk()));
  }

  /** Re-hashes a whole file, chunk by chunk, against the manifest's file and chunk digests. */
  FileCheck check(int fileIndex) throws IOException {
    FileEntry file = manifest.files().get(fileIndex);
    MessageDigest fileMd = Digest.newSha256();
    List<ChunkLocation> damaged = new ArrayList<>();
    for (ChunkSpec chunk : file.chunks()) {
      MappedByteBuffer window = mapForRead(fileIndex, chunk);
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

  private MappedByteBuffer mapForRead(int fileIndex, ChunkSpec chunk) throws IOException {
    return channel(fileIndex).map(FileChannel.MapMode.READ_ONLY, chunk.offset(), chunk.length());
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
