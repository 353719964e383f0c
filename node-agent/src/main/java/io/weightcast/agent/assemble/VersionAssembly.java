package io.weightcast.agent.assemble;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidTransition;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Assembles one model version on disk: staged files preallocated at full size, chunks decoded
 * straight into their place, verified, then forced and journaled in groups ({@link GroupCommit}:
 * a chunk's journal record is appended only after its bytes are forced), then the whole version
 * published with one atomic rename (layout: {@link DataLayout}). Nothing appears under
 * {@code DATA/models} before {@link #finish} succeeds.
 *
 * <p>Threading: blocking; call it from a worker pool. {@link #writeChunk} may run concurrently for
 * different chunks; {@link #finish}, {@link #reverify} and {@link #close} wait for writes in
 * progress and exclude new ones. One assembly per version at a time (the caller's job).
 */
public final class VersionAssembly implements Closeable {
  private enum State { OPEN, PUBLISHED, CLOSED }

  private final DataLayout layout;
  private final Manifest manifest;
  private final AssemblyConfig config;
  private final StagedFiles files;
  private final ChunkTable table;
  private final Map<String, Integer> fileIndexByPath = new HashMap<>();
  private final GroupCommit uncommitted;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private AssemblyJournal journal;
  private volatile State state;

  VersionAssembly(DataLayout layout, Manifest manifest, AssemblyConfig config, StagedFiles files,
      ChunkTable table, AssemblyJournal journal, boolean published) {
    this.layout = layout;
    this.manifest = manifest;
    this.config = config;
    this.files = files;
    this.table = table;
    this.journal = journal;
    this.state = published ? State.PUBLISHED : State.OPEN;
    this.uncommitted = new GroupCommit(config.commitBytes(),
        TimeUnit.MILLISECONDS.toNanos(config.commitAgeMillis()));
    for (int i = 0; i < manifest.files().size(); i++) {
      fileIndexByPath.put(manifest.files().get(i).path(), i);
    }
  }

  /** {@link #open(Path, Manifest, AssemblyConfig)} with {@link AssemblyConfig#DEFAULTS}. */
  public static VersionAssembly open(Path dataDir, Manifest manifest) throws IOException {
    return open(dataDir, manifest, AssemblyConfig.DEFAULTS);
  }

  /**
   * Opens the assembly of {@code manifest} under {@code dataDir}: reports an already published
   * version as complete ({@link #isPublished}), resumes from the journal of an earlier run of the
   * same manifest, or starts over. Fails with {@code NoSpace}, before creating anything, when the
   * files do not fit with {@link AssemblyConfig#freeSpaceMargin} to spare.
   */
  public static VersionAssembly open(Path dataDir, Manifest manifest, AssemblyConfig config)
      throws IOException {
    return Staging.open(new DataLayout(dataDir), manifest, config);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** Whether the version is in {@code DATA/models} (found there at open, or finished since). */
  public boolean isPublished() {
    return state == State.PUBLISHED;
  }

  /** Whether every chunk is written and verified (always true once published). */
  public boolean isComplete() {
    return table.isComplete();
  }

  public int doneChunks() {
    return table.doneChunks();
  }

  public int totalChunks() {
    return table.totalChunks();
  }

  public long doneBytes() {
    return table.doneBytes();
  }

  public long totalBytes() {
    return manifest.totalBytes();
  }

  public boolean isDone(int fileIndex, int chunkIndex) {
    location(fileIndex, chunkIndex);
    return table.isDone(fileIndex, chunkIndex);
  }

  /** The chunks still to write, in manifest order (a chunk being written counts as missing). */
  public List<ChunkLocation> missingChunks() {
    return table.missing();
  }

  /** Chunk {@code chunkIndex} of file {@code fileIndex} (InvalidArgument if out of range). */
  public ChunkLocation location(int fileIndex, int chunkIndex) {
    return table.location(fileIndex, chunkIndex);
  }

  /** {@link #writeChunk(ChunkLocation, Codec, ByteBuffer)} for a file and chunk of the manifest. */
  public boolean writeChunk(FileEntry file, ChunkSpec chunk, Codec codec, ByteBuffer encoded)
      throws IOException {
    Integer fileIndex = fileIndexByPath.get(file.path());
    if (fileIndex == null) {
      throw new InvalidArgument("'" + file.path() + "' is not a file of " + manifest.id());
    }
    return writeChunk(new ChunkLocation(fileIndex, file, chunk), codec, encoded);
  }

  /**
   * Writes one chunk at its place and returns true, or returns false if it was already done.
   *
   * <ol>
   *   <li>claim the location (fails if another thread is writing it);
   *   <li>check {@code codec} and the frame length against the encoding the manifest records,
   *       if any ({@link DigestMismatch} when they differ; raw frames pass);
   *   <li>decode {@code encoded} (its remaining bytes; direct for zstd; position left unchanged)
   *       into this thread's buffer, hashing each slice as it is produced; on a SHA-256 mismatch
   *       fail with {@link DigestMismatch} and journal nothing (a refetch overwrites the bytes);
   *   <li>write the bytes at the chunk's offset (page cache) and count the chunk done in this
   *       process (its bytes are verified; peers may read them);
   *   <li>group commit: add it to the uncommitted chunks; if they are due (config
   *       {@code commitBytes} / {@code commitAgeMillis}), this thread takes them all,
   *       fdatasyncs each file they touch once, then appends their "done" records to the journal
   *       and waits for its force. A crash before that loses them from the journal only: the
   *       resumed assembly refetches them. If the commit fails, its chunks become missing again
   *       and the call fails.
   * </ol>
   */
  public boolean writeChunk(ChunkLocation at, Codec codec, ByteBuffer encoded) throws IOException {
    ChunkLocation expected = location(at.fileIndex(), at.chunk().index());
    if (!expected.chunk().equals(at.chunk())
        || !expected.file().path().equals(at.file().path())) {
      throw new InvalidArgument("chunk " + at + " does not match " + expected + " of "
          + manifest.id());
    }
    if (codec.isZstd() && !encoded.isDirect()) {
      throw new IllegalArgumentException("zstd chunks must be in a direct buffer");
    }
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      requireOpen("write a chunk");
      journal.checkUsable();
      if (!table.tryBegin(at)) {
        return false;
      }
      boolean written = false;
      try {
        files.write(at, codec, encoded);
        table.complete(at);
        written = true;
      } finally {
        if (!written) {
          table.abort(at);
        }
      }
      if (uncommitted.add(at, System.nanoTime())) {
        commit(uncommitted.drain());
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes a batch of written chunks durable: one fdatasync per file it touches, then their
   * journal records with one force. On failure the batch's chunks are missing again (refetch).
   */
  private void commit(List<ChunkLocation> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    try {
      java.util.BitSet touched = new java.util.BitSet();
      batch.forEach(at -> touched.set(at.fileIndex()));
      for (int f = touched.nextSetBit(0); f >= 0; f = touched.nextSetBit(f + 1)) {
        files.force(f);
      }
      journal.appendAll(batch);
    } catch (IOException | RuntimeException e) {
      batch.forEach(table::reset);
      throw e;
    }
  }

  /** Chunks written but not yet forced and journaled (for tests and the crash invariant). */
  int uncommittedChunks() {
    return uncommitted.pendingChunks();
  }

  /**
   * Re-hashes every chunk the journal says is done and marks damaged ones missing again (the
   * journal is rewritten without them). Returns how many were damaged.
   */
  public int reverify() throws IOException {
    return exclusive(() -> {
      requireOpen("reverify");
      commit(uncommitted.drain());
      int damaged = 0;
      for (ChunkLocation at : table.done()) {
        if (!files.hash(at).equals(at.chunk().digest())) {
          table.reset(at);
          damaged++;
        }
      }
      if (damaged > 0) {
        rewriteJournal();
      }
      return damaged;
    });
  }

  /** {@link #finish(boolean)} with {@link AssemblyConfig#verifyFilesOnFinish}. */
  public Path finish() throws IOException {
    return finish(config.verifyFilesOnFinish());
  }

  /**
   * Publishes the complete version and returns {@code DATA/models/MODEL/VERSION}:
   *
   * <ol>
   *   <li>commit the chunks still uncommitted (force, journal), fsync every staged file and
   *       close the channels;
   *   <li>if {@code verifyFiles}, re-hash every file against the manifest; damaged chunks become
   *       missing again and the call fails with {@link DigestMismatch} (refetch, then finish);
   *   <li>fsync the staging directories, create {@code DATA/models/MODEL};
   *   <li>rename the staging dir to the version dir (atomic) and fsync both parents;
   *   <li>delete the journal.
   * </ol>
   */
  public Path finish(boolean verifyFiles) throws IOException {
    return exclusive(() -> {
      if (state == State.PUBLISHED) {
        return layout.versionDir(manifest.model(), manifest.version());
      }
      requireOpen("finish");
      if (!table.isComplete()) {
        throw new InvalidTransition(manifest.id() + " is missing "
            + (table.totalChunks() - table.doneChunks()) + " of " + table.totalChunks()
            + " chunks; write them before finishing");
      }
      commit(uncommitted.drain());
      files.syncAndClose();
      if (verifyFiles) {
        verifyFiles();
      }
      files.close();
      Path published = Staging.publish(layout, manifest, journal);
      journal = null;
      state = State.PUBLISHED;
      return published;
    });
  }

  /**
   * Commits the chunks still uncommitted (unless the journal failed earlier: they are dropped and
   * refetched), then closes files and journal; an unfinished version stays staged and resumes on
   * the next open.
   */
  @Override
  public void close() throws IOException {
    exclusive(() -> {
      if (state == State.CLOSED) {
        return null;
      }
      boolean open = state == State.OPEN;
      state = State.CLOSED;
      try (AssemblyJournal j = journal) {
        try {
          if (open && j != null && j.isUsable()) {
            commit(uncommitted.drain());
          }
        } finally {
          files.close();
        }
      }
      return null;
    });
  }

  private void verifyFiles() throws IOException {
    int badFiles = 0;
    int badChunks = 0;
    for (int f = 0; f < manifest.files().size(); f++) {
      StagedFiles.FileCheck check = files.check(f);
      check.damagedChunks().forEach(table::reset);
      badChunks += check.damagedChunks().size();
      badFiles += check.fileMatches() ? 0 : 1;
    }
    if (badChunks > 0) {
      rewriteJournal();
    }
    if (badFiles > 0) {
      throw new DigestMismatch(badFiles + " staged file(s) of " + manifest.id()
          + " do not match their digest; " + badChunks + " chunk(s) marked missing again");
    }
  }

  private void rewriteJournal() throws IOException {
    journal.close();
    journal = AssemblyJournal.create(layout.journal(manifest.model(), manifest.version()),
        manifest.digest(), table.doneRecords());
  }

  private void requireOpen(String action) {
    if (state != State.OPEN) {
      throw new InvalidTransition("cannot " + action + ": assembly of " + manifest.id() + " is "
          + state.name().toLowerCase());
    }
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  private <T> T exclusive(Action<T> action) throws IOException {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      return action.run();
    } finally {
      lock.unlock();
    }
  }
}
