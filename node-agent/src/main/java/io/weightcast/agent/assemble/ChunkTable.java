package io.weightcast.agent.assemble;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of every (file, chunk) location of one manifest: MISSING -> WRITING -> DONE, with
 * WRITING -> MISSING when a write fails. At most one thread writes a location at a time, so a bad
 * write can never overwrite bytes another thread has verified. Lock-free and thread-safe.
 */
final class ChunkTable {
  private static final int MISSING = 0;
  private static final int WRITING = 1;
  private static final int DONE = 2;

  private final Manifest manifest;
  private final AtomicIntegerArray[] states;
  private final AtomicLong doneChunks = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final int totalChunks;

  ChunkTable(Manifest manifest) {
    this.manifest = manifest;
    this.states = new AtomicIntegerArray[manifest.files().size()];
    for (int f = 0; f < states.length; f++) {
      states[f] = new AtomicIntegerArray(manifest.files().get(f).chunks().size());
    }
    this.totalChunks = manifest.chunkCount();
  }

  /** The location of chunk {@code chunkIndex} of file {@code fileIndex}; bounds-checked. */
  ChunkLocation location(int fileIndex, int chunkIndex) {
    if (fileIndex < 0 || fileIndex >= states.length) {
      throw new InvalidArgument("file index " + fileIndex + " is not in " + manifest.id());
    }
    FileEntry file = manifest.files().get(fileIndex);
    if (chunkIndex < 0 || chunkIndex >= file.chunks().size()) {
      throw new InvalidArgument("chunk index " + chunkIndex + " is not in '" + file.path()
          + "' of " + manifest.id());
    }
    return new ChunkLocation(fileIndex, file, file.chunks().get(chunkIndex));
  }

  /**
   * Claims a location for writing: true if claimed, false if it is already done; fails if
   * another thread is writing it right now.
   */
  boolean tryBegin(ChunkLocation at) {
    AtomicIntegerArray file = states[at.fileIndex()];
    int index = at.chunk().index();
    if (file.compareAndSet(index, MISSING, WRITING)) {
      return true;
    }
    if (file.get(index) == DONE) {
      return false;
    }
    throw new InvalidTransition("chunk " + at + " of " + manifest.id()
        + " is being written by another thread");
  }

  /** WRITING -> DONE, once written and verified (durable after the group commit). */
  void complete(ChunkLocation at) {
    transition(at, WRITING, DONE);
    doneChunks.incrementAndGet();
    doneBytes.addAndGet(at.chunk().length());
  }

  /** WRITING -> MISSING, after a failed write. */
  void abort(ChunkLocation at) {
    transition(at, WRITING, MISSING);
  }

  /** Marks a location done from the journal; repeated records are harmless. */
  void replayDone(ChunkLocation at) {
    if (states[at.fileIndex()].compareAndSet(at.chunk().index(), MISSING, DONE)) {
      doneChunks.incrementAndGet();
      doneBytes.addAndGet(at.chunk().length());
    }
  }

  /** DONE -> MISSING: its bytes were found damaged on disk, or its group commit failed. */
  void reset(ChunkLocation at) {
    transition(at, DONE, MISSING);
    doneChunks.decrementAndGet();
    doneBytes.addAndGet(-at.chunk().length());
  }

  boolean isDone(int fileIndex, int chunkIndex) {
    return states[fileIndex].get(chunkIndex) == DONE;
  }

  int doneChunks() {
    return (int) doneChunks.get();
  }

  long doneBytes() {
    return doneBytes.get();
  }

  int totalChunks() {
    return totalChunks;
  }

  boolean isComplete() {
    return doneChunks.get() == totalChunks;
  }

  /** Locations not done (missing or being written), in manifest order. */
  List<ChunkLocation> missing() {
    return select(false);
  }

  /** Done locations, in manifest order. */
  List<ChunkLocation> done() {
    return select(true);
  }

  /** Done locations packed as journal records ({@code fileIndex << 32 | chunkIndex}). */
  long[] doneRecords() {
    return done().stream()
        .mapToLong(at -> ((long) at.fileIndex() << 32) | at.chunk().index())
        .toArray();
  }

  private List<ChunkLocation> select(boolean done) {
    List<ChunkLocation> out = new ArrayList<>();
    for (int f = 0; f < states.length; f++) {
      FileEntry file = manifest.files().get(f);
      for (ChunkSpec chunk : file.chunks()) {
        if ((states[f].get(chunk.index()) == DONE) == done) {
          out.add(new ChunkLocation(f, file, chunk));
        }
      }
    }
    return out;
  }

  private void transition(ChunkLocation at, int from, int to) {
    if (!states[at.fileIndex()].compareAndSet(at.chunk().index(), from, to)) {
      throw new IllegalStateException("chunk " + at + " is not in state " + from);
    }
  }
}
