package io.weightcast.agent.local;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.agent.assemble.PageCacheWarmer;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The live {@link ModelStatus} of every model on this host: loaded from disk at start, then
 * updated from the agent's own state changes. An activation or a failure is persisted first
 * (ordered, on the disk pool) and then published to {@code listener} as "activated" or "failed",
 * so a client told about it finds the same on disk. Confined to the agent verticle's context.
 */
public final class LocalStatus {
  private final ModelStatusStore store;
  private final WorkerExecutor disk;
  private final PageCacheWarmer warmer;
  private final Map<String, ModelStatus> byModel = new TreeMap<>();
  private final Map<String, CommittedVersion> held = new HashMap<>();
  private BiConsumer<String, ModelStatus> listener = (event, s) -> { };

  public LocalStatus(ModelStatusStore store, WorkerExecutor disk, PageCacheWarmer warmer) {
    this.store = store;
    this.disk = disk;
    this.warmer = warmer;
  }

  /** Reads every model's status from disk (on the disk pool) and replaces what is held. */
  public Future<Void> load() {
    return disk.executeBlocking(store::observeAll, true).map(all -> {
      byModel.clear();
      all.forEach(s -> byModel.put(s.model(), s));
      return null;
    });
  }

  public void onChange(BiConsumer<String, ModelStatus> l) {
    this.listener = l;
  }

  /**
   * A version is complete on disk (or found held at start); remembered, for its manifest digest,
   * until {@link #forget} (retention removed it), so a later switch back to it (rollback, pin)
   * still reports its digest.
   */
  public void held(CommittedVersion v) {
    held.put(v.manifest().id(), v);
  }

  /** A held version was removed from disk ({@code id} = model/version). */
  public void forget(String id) {
    held.remove(id);
  }

  /** A state change of one of this node's versions (called by the progress reporter). */
  public void progress(NodeProgress p) {
    ModelStatus before = byModel.getOrDefault(p.model(), ModelStatus.pending(p.model()));
    ModelStatus after;
    String event;
    CommittedVersion v = p.state() == State.ACTIVE ? held.get(p.model() + "/" + p.version())
        : null;
    if (p.state() == State.ACTIVE && p.current()) {
      after = new ModelStatus(p.model(), p.version(),
          store.layout().versionDir(p.model(), p.version()).toString(),
          v == null ? "" : v.manifestDigest().hex(), System.currentTimeMillis(), p.version(),
          State.ACTIVE.name(), "", warmer.report(p.model(), p.version()).orElse(null));
      event = "activated";
    } else if (p.state() == State.FAILED) {
      after = before.withLatest(p.version(), State.FAILED.name(), p.lastError());
      event = "failed";
    } else {
      after = before.withLatest(p.version(), p.state().name(), "");
      event = null;
    }
    byModel.put(p.model(), after);
    if (event != null) {
      disk.executeBlocking(() -> {
        store.save(after);
        return null;
      }, true).onComplete(ar -> listener.accept(event, after));
    }
  }

  public Optional<ModelStatus> get(String model) {
    return Optional.ofNullable(byModel.get(model));
  }

  public Collection<ModelStatus> all() {
    return List.copyOf(byModel.values());
  }
}
