package io.weightcast.protocol;

import io.weightcast.protocol.safetensors.SafetensorsLayout;
import io.weightcast.protocol.safetensors.SafetensorsParser;
import io.weightcast.protocol.safetensors.TensorChunkPlan;
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
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Cuts files into chunks and hashes them: one sequential read per file feeds both the file's
 * SHA-256 and each chunk's. Files are hashed in parallel on the given executor. Blocking.
 *
 * <p>Boundaries (protocol/README.md, "Chunking"): in {@link Mode#TENSORS} (the default), a file
 * whose name ends in {@code .safetensors} and whose header tells the truth is cut by
 * {@link TensorChunkPlan}; every other file, and every safetensors file whose header lies (a
 * note says why), is cut at fixed offsets: chunk i covers {@code [i*C, min((i+1)*C, S))}. An
 * empty file has no chunks. {@link Mode#FIXED} cuts every file at fixed offsets.
 */
public final class Chunker {
  private static final int READ_BUFFER = 1 << 20;

  /** How boundaries are chosen. */
  public enum Mode { FIXED, TENSORS }

  private final long chunkSize;
  private final Mode mode;

  public Chunker(long chunkSize) {
    this(chunkSize, Mode.TENSORS);
  }

  public Chunker(long chunkSize, Mode mode) {
    if (chunkSize < Manifest.MIN_CHUNK_SIZE || chunkSize > Manifest.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size must be in [" + Manifest.MIN_CHUNK_SIZE + ", "
          + Manifest.MAX_CHUNK_SIZE + "], got " + chunkSize);
    }
    this.chunkSize = chunkSize;
    this.mode = java.util.Objects.requireNonNull(mode, "mode");
  }

  public long chunkSize() {
    return chunkSize;
  }

  /** Builds a manifest for the scanned files, hashing them in parallel on {@code pool}. */
  public Manifest manifest(String model, String version, List<ModelDirectory.LocalFile> files,
      Executor pool, LongConsumer bytesHashed) {
    return manifest(model, version, files, pool, bytesHashed, note -> { });
  }

  /**
   * {@link #manifest(String, String, List, Executor, LongConsumer)}, telling {@code notes} (from
   * any thread) about each safetensors file chunked at fixed offsets because its header lies.
   */
  public Manifest manifest(String model, String version, List<ModelDirectory.LocalFile> files,
      Executor pool, LongConsumer bytesHashed, Consumer<String> notes) {
    List<CompletableFuture<FileEntry>> futures = new ArrayList<>();
    for (ModelDirectory.LocalFile f : files) {
      futures.add(CompletableFuture.supplyAsync(
          () -> chunkFile(f.relativePath(), f.path(), bytesHashed, notes), pool));
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
    return chunkFile(relativePath, path, bytesHashed, note -> { });
  }

  /** Hashes one file; {@code notes} hears why a safetensors file is chunked at fixed offsets. */
  public FileEntry chunkFile(String relativePath, Path path, LongConsumer bytesHashed,
      Consumer<String> notes) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      List<Long> ends = boundaries(relativePath, path, size, notes);
      ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
      MessageDigest fileMd = Digest.newSha256();
      MessageDigest chunkMd = Digest.newSha256();
      List<ChunkSpec> chunks = new ArrayList<>();
      long pos = 0;
      for (long end : ends) {
        long start = pos;
        while (pos < end) {
          buf.clear().limit((int) Math.min(READ_BUFFER, end - pos));
          int n = ch.read(buf, pos);
          if (n < 0) {
            throw new IOException("file shrank while hashing (at " + pos + " of " + size + ")");
          }
          buf.flip();
          fileMd.update(buf.duplicate());
          chunkMd.update(buf);
          pos += n;
          bytesHashed.accept(n);
        }
        chunks.add(new ChunkSpec(chunks.size(), start, end - start, Digest.finish(chunkMd)));
      }
      return new FileEntry(relativePath, pos, Digest.finish(fileMd), chunks);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** The ascending chunk end offsets of a file of {@code size} bytes. */
  private List<Long> boundaries(String relativePath, Path path, long size,
      Consumer<String> notes) {
    if (mode == Mode.TENSORS && relativePath.endsWith(".safetensors")) {
      SafetensorsLayout layout = SafetensorsParser.read(path);
      if (layout instanceof SafetensorsLayout.Tensors t && t.fileSize() == size) {
        return TensorChunkPlan.ends(t, chunkSize);
      }
      String why = layout instanceof SafetensorsLayout.Opaque o ? o.reason()
          : "file changed size while reading";
      notes.accept(relativePath + ": safetensors header is opaque because " + why
          + "; chunked at fixed offsets as plain bytes");
    }
    List<Long> ends = new ArrayList<>();
    for (long p = chunkSize; p < size; p += chunkSize) {
      ends.add(p);
    }
    if (size > 0) {
      ends.add(size);
    }
    return ends;
  }
}
