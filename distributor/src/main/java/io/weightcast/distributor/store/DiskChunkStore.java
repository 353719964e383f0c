package io.weightcast.distributor.store;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.codec.ElementWidth;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.DiskErrors;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.NoSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed chunk files on local disk (layout: {@link ChunkLayout}; uploads and frames in
 * progress live in {@code staging/}, which {@link #open} empties). Readers only ever see complete,
 * verified files: every chunk is staged, verified, forced, then renamed into place atomically.
 *
 * <p>Threading: thread-safe (the index is a {@link ConcurrentHashMap}; concurrent ingests of one
 * digest publish identical bytes under one name). {@link #open} and {@link #ingest} block on disk
 * and CPU and must run on a worker thread; {@link #locate}, {@link #contains} and
 * {@link #missing} only read the in-memory index.
 */
public final class DiskChunkStore {
  private static final Logger LOG = LoggerFactory.getLogger(DiskChunkStore.class);
  /** One reusable direct output buffer per worker thread, grown on demand. */
  private static final ThreadLocal<ByteBuffer> FRAME_BUFFER = new ThreadLocal<>();

  private final Path chunksDir;
  private final Path stagingDir;
  private final ChunkCodec codec;
  private final Map<Digest, StoredChunk> index = new ConcurrentHashMap<>();

  private DiskChunkStore(Path dataDir, int zstdLevel) {
    this.chunksDir = dataDir.resolve("chunks");
    this.stagingDir = dataDir.resolve("staging");
    this.codec = new ChunkCodec(zstdLevel);
  }

  /**
   * Opens the store under {@code dataDir} (blocking): 1. creates {@code chunks/} and
   * {@code staging/}; 2. deletes everything left in staging by a crash; 3. indexes every published
   * chunk from its file name and size.
   */
  public static DiskChunkStore open(Path dataDir, int zstdLevel) throws IOException {
    DiskChunkStore store = new DiskChunkStore(dataDir, zstdLevel);
    Files.createDirectories(store.chunksDir);
    Files.createDirectories(store.stagingDir);
    store.cleanStaging();
    store.scan();
    return store;
  }

  public Optional<StoredChunk> locate(Digest digest) {
    return Optional.ofNullable(index.get(digest));
  }

  public boolean contains(Digest digest) {
    return index.containsKey(digest);
  }

  /** The digests of {@code digests} that are not stored, in the given order, each once. */
  public List<Digest> missing(Collection<Digest> digests) {
    return digests.stream().distinct().filter(d -> !index.containsKey(d)).toList();
  }

  /** Number of stored chunks. */
  public int size() {
    return index.size();
  }

  public Path stagingDir() {
    return stagingDir;
  }

  /** A fresh, unique path in staging for an upload of {@code digest} (nothing is created). */
  public Path newStagingPath(Digest digest) {
    return stagingDir.resolve(digest.hex() + "." + UUID.randomUUID() + ".upload");
  }

  /**
   * Verifies and publishes a staged raw chunk; the staged file is consumed (moved or deleted) in
   * every outcome. Steps: 1. check the length; 2. hash the mapped bytes, on mismatch throw
   * {@link DigestMismatch}; 3. encode once ({@link ChunkCodec}, trying the candidates for
   * {@code hint}, or all of them when it is empty); 4. a RAW chunk publishes the staged file
   * itself, a compressed chunk writes its frame to a second staging file; 5. force, rename
   * atomically into place, fsync the fan-out directory; 6. index it. ENOSPC anywhere throws
   * {@link NoSpace}. Two concurrent ingests of one digest with different hints may publish two
   * frames (different codecs, same content); either serves the chunk.
   */
  public IngestResult ingest(Path staged, Digest expected, long expectedLength,
      Optional<ElementWidth> hint) {
    Path frame = stagingDir.resolve(staged.getFileName() + ".frame");
    try {
      if (index.containsKey(expected)) {
        return IngestResult.ALREADY_PRESENT;
      }
      StoredChunk chunk = encodeAndPublish(staged, frame, expected, expectedLength, hint);
      index.put(expected, chunk);
      return IngestResult.STORED;
    } catch (IOException e) {
      if (DiskErrors.isNoSpace(e)) {
        throw new NoSpace("no space left storing chunk " + expected.shortHex(), e);
      }
      throw new UncheckedIOException("storing chunk " + expected.shortHex() + " failed", e);
    } finally {
      deleteQuietly(staged);
      deleteQuietly(frame);
    }
  }

  /** {@link #ingest(Path, Digest, long, Optional)} without a hint. */
  public IngestResult ingest(Path staged, Digest expected, long expectedLength) {
    return ingest(staged, expected, expectedLength, Optional.empty());
  }

  private StoredChunk encodeAndPublish(Path staged, Path frame, Digest expected,
      long expectedLength, Optional<ElementWidth> hint) throws IOException {
    if (expectedLength < 1 || expectedLength > Manifest.MAX_CHUNK_SIZE) {
      throw new InvalidArgument("chunk length must be in [1, " + Manifest.MAX_CHUNK_SIZE
          + "], got " + expectedLength);
    }
    try (FileChannel in = FileChannel.open(staged, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      long size = in.size();
      if (size != expectedLength) {
        throw new DigestMismatch("chunk " + expected.shortHex() + " is " + size
            + " bytes, expected " + expectedLength);
      }
      MappedByteBuffer raw = in.map(FileChannel.MapMode.READ_ONLY, 0, size);
      Digest actual = Digest.sha256(raw);
      if (!actual.equals(expected)) {
        throw new DigestMismatch("chunk named " + expected.shortHex() + " hashes to "
            + actual.shortHex());
      }
      ByteBuffer out = frameBuffer(ChunkCodec.maxEncodedLength((int) size));
      Codec chosen = hint.isPresent() ? codec.encode(raw, out, hint.get())
          : codec.encode(raw, out);
      Path target = ChunkLayout.path(chunksDir, expected, chosen, size);
      if (chosen == Codec.RAW) {
        in.force(true);
        publish(staged, target);
        return new StoredChunk(target, Codec.RAW, size, size);
      }
      long frameLength = out.remaining();
      writeForced(frame, out);
      publish(frame, target);
      return new StoredChunk(target, chosen, size, frameLength);
    }
  }

  private static void writeForced(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
  }

  /** Renames a forced file into its fan-out directory atomically, then makes the rename durable. */
  private void publish(Path source, Path target) throws IOException {
    Path dir = target.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      fsyncDirectory(chunksDir);
    }
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dir);
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static ByteBuffer frameBuffer(int capacity) {
    ByteBuffer buffer = FRAME_BUFFER.get();
    if (buffer == null || buffer.capacity() < capacity) {
      buffer = ByteBuffer.allocateDirect(capacity);
      FRAME_BUFFER.set(buffer);
    }
    return buffer.clear();
  }

  private void cleanStaging() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(stagingDir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void scan() throws IOException {
    List<Path> strays = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(chunksDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            ChunkLayout.parse(file, Files.size(file)).ifPresentOrElse(
                e -> index.put(e.digest(), e.chunk()), () -> strays.add(file));
          }
        }
      }
    }
    if (!strays.isEmpty()) {
      LOG.warn("ignoring {} files in {} that are not chunks, e.g. {}", strays.size(), chunksDir,
          strays.get(0));
    }
    LOG.info("indexed {} chunks in {}", index.size(), chunksDir);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", file, e.toString());
    }
  }
}
