package io.weightcast.distributor.store;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.ElementWidth;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The Future-returning face of a {@link DiskChunkStore} for event-loop code. Blocking calls run on
 * the named, sized ingest {@link WorkerExecutor} (unordered: independent chunks proceed in
 * parallel); index look-ups answer directly. Safe to call from any context; does not own the
 * executor (the verticle closes it).
 */
public final class ChunkStoreWorker {
  private final DiskChunkStore store;
  private final WorkerExecutor executor;

  public ChunkStoreWorker(DiskChunkStore store, WorkerExecutor executor) {
    this.store = store;
    this.executor = executor;
  }

  /** Opens the store on the executor (scanning a large store takes a while). */
  public static Future<ChunkStoreWorker> open(WorkerExecutor executor, Path dataDir,
      int zstdLevel) {
    return executor.executeBlocking(() -> DiskChunkStore.open(dataDir, zstdLevel), false)
        .map(store -> new ChunkStoreWorker(store, executor));
  }

  public Optional<StoredChunk> locate(Digest digest) {
    return store.locate(digest);
  }

  public boolean contains(Digest digest) {
    return store.contains(digest);
  }

  public int size() {
    return store.size();
  }

  public Path newStagingPath(Digest digest) {
    return store.newStagingPath(digest);
  }

  /** {@link DiskChunkStore#ingest} on the executor. */
  public Future<IngestResult> ingest(Path staged, Digest expected, long expectedLength,
      Optional<ElementWidth> hint) {
    return executor.executeBlocking(() -> store.ingest(staged, expected, expectedLength, hint),
        false);
  }

  /** Runs other CPU-heavy work (e.g. parsing a large request) on the same executor. */
  public <T> Future<T> execute(Callable<T> task) {
    return executor.executeBlocking(task, false);
  }

  /** {@link DiskChunkStore#missing}: an index read, but callers with huge lists use the pool. */
  public List<Digest> missing(Collection<Digest> digests) {
    return store.missing(digests);
  }
}
