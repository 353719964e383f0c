package io.weightcast.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * Cuts files into fixed-size chunks and hashes them: one sequential read per file feeds both the
 * file's SHA-256 and each chunk's. Files are hashed in parallel on the given executor. Blocking.
 *
 * <p>Chunk i of a file of size S covers {@code [i*C, min((i+1)*C, S))} for chunk size C; an empty
 * file has no chunks.
 */
public final class Chunker {
  private static final int READ_BUFFER = 1 << 20;

  private final long chunkSize;

  public Chunker(long chunkSize) {
    if (chunkSize < Manifest.MIN_CHUNK_SIZE || chunkSize > Manifest.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size must be in [" + Manifest.MIN_CHUNK_SIZE + ", "
          + Manifest.MAX_CHUNK_SIZE + "], got " + chunkSize);
    }
    this.chunkSize = chunkSize;
  }

  public long chunkSize() {
    return chunkSize;
  }

  /** Builds a manifest for the scanned files, hashing them in parallel on {@code pool}. */
  public Manifest manifest(String model, String version, List<ModelDirectory.LocalFile> files,
      Executor pool, LongConsumer bytesHashed) {
    List<CompletableFuture<FileEntry>> futures = new ArrayList<>();
    for (ModelDirectory.LocalFile f : files) {
      futures.add(CompletableFuture.supplyAsync(
          () -> chunkFile(f.relativePath(), f.path(), bytesHashed), pool));
    }
    List<FileEntry> entries = new ArrayList<>();
    try {
      for (CompletableFuture<FileEntry> f : futures) {
        entries.add(f.join());
      }
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return new Manifest(model, version, chunkSize, entries);
  }

  /** Hashes one file: its SHA-256 and its chunks'. */
  public FileEntry chunkFile(String relativePath, Path path, LongConsumer bytesHashed) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
      MessageDigest fileMd = Digest.newSha256();
      MessageDigest chunkMd = Digest.newSha256();
      List<ChunkSpec> chunks = new ArrayList<>();
      long pos = 0;
      long chunkStart = 0;
      while (true) {
        long chunkEnd = chunkStart + chunkSize;
        buf.clear().limit((int) Math.min(READ_BUFFER, chunkEnd - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        buf.flip();
        fileMd.update(buf.duplicate());
        chunkMd.update(buf);
        pos += n;
        bytesHashed.accept(n);
        if (pos == chunkEnd) {
          chunks.add(new ChunkSpec(chunks.size(), chunkStart, pos - chunkStart,
              Digest.finish(chunkMd)));
          chunkStart = pos;
        }
      }
      if (pos > chunkStart) {
        chunks.add(new ChunkSpec(chunks.size(), chunkStart, pos - chunkStart,
            Digest.finish(chunkMd)));
      }
      return new FileEntry(relativePath, pos, Digest.finish(fileMd), chunks);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
