package io.weightcast.registry.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.v1.ReportProgressRequest;
import io.weightcast.protocol.wire.RegistryMapper;
import io.weightcast.registry.RegistryCore;
import io.weightcast.registry.catalog.DistributorLeases;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollout progress and distributor leases shared by every registry of the cluster, so any one
 * answers /v1/rollouts and ListDistributors:
 * <ul>
 *   <li>{@code weightcast.progress}: "model/version/node" to the report (ReportProgressRequest
 *       bytes), last writer wins, like the local tracker; kept {@link #PROGRESS_TTL_MS}.</li>
 *   <li>{@code weightcast.distributors}: distributor id to base URL, with the lease length as
 *       TTL; each registry also expires its local copy by its own clock.</li>
 * </ul>
 * A report or renewal received by one registry is written to the map only; every registry
 * (the receiver too) applies it from the map's entry events, on its own context.
 */
final class SharedControlState {
  private static final Logger LOG = LoggerFactory.getLogger(SharedControlState.class);
  static final long PROGRESS_TTL_MS = 24 * 3600_000L;

  private final Context context;
  private final RegistryCore core;
  private final WorkerExecutor worker;
  private final IMap<String, byte[]> progress;
  private final IMap<String, String> distributors;
  private final List<UUID> listeners = new ArrayList<>();

  SharedControlState(Context context, RegistryCore core, WorkerExecutor worker,
      IMap<String, byte[]> progress, IMap<String, String> distributors) {
    this.context = context;
    this.core = core;
    this.worker = worker;
    this.progress = progress;
    this.distributors = distributors;
  }

  /** Subscribes to both maps, then loads what they hold. */
  Future<Void> start() {
    core.leases().onRenew(this::shareLease);
    return worker.executeBlocking(() -> {
      listeners.add(progress.addEntryListener(new Listener<byte[]>(this::applyProgress), true));
      listeners.add(distributors.addEntryListener(new Listener<String>(this::applyLease), true));
      List<byte[]> reports = new ArrayList<>(progress.values());
      var leases = new java.util.HashMap<>(distributors);
      context.runOnContext(v -> {
        reports.forEach(this::applyProgress);
        leases.forEach(this::applyLease);
      });
      return null;
    }, false);
  }

  /** The core's progress sink in clustered mode. */
  void shareProgress(NodeProgress p) {
    String key = p.model() + "/" + p.version() + "/" + p.nodeId();
    byte[] value = RegistryMapper.toProto(p).toByteArray();
    worker.executeBlocking(() -> {
      progress.set(key, value, PROGRESS_TTL_MS, TimeUnit.MILLISECONDS);
      return null;
    }, false).onFailure(e -> LOG.warn("cannot share progress of {}: {}", key, e.getMessage()));
  }

  private void shareLease(String id, String baseUrl) {
    worker.executeBlocking(() -> {
      distributors.set(id, baseUrl, DistributorLeases.LEASE_MS, TimeUnit.MILLISECONDS);
      return null;
    }, false).onFailure(e -> LOG.warn("cannot share the lease of {}: {}", id, e.getMessage()));
  }

  private void applyProgress(byte[] bytes) {
    try {
      core.applyProgress(RegistryMapper.fromProto(ReportProgressRequest.parseFrom(bytes),
          System.currentTimeMillis()));
    } catch (Exception e) {
      LOG.warn("ignoring an unreadable shared progress report: {}", e.getMessage());
    }
  }

  private void applyLease(String id, String baseUrl) {
    core.leases().adopt(id, baseUrl);
  }

  Future<Void> stop() {
    return worker.executeBlocking(() -> {
      progress.removeEntryListener(listeners.get(0));
      distributors.removeEntryListener(listeners.get(1));
      return null;
    }, false).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Hazelcast event threads hand every added or updated entry to the registry's context. */
  private final class Listener<V> implements EntryAddedListener<String, V>,
      EntryUpdatedListener<String, V> {
    private final java.util.function.BiConsumer<String, V> apply;

    Listener(java.util.function.Consumer<V> apply) {
      this((k, v) -> apply.accept(v));
    }

    Listener(java.util.function.BiConsumer<String, V> apply) {
      this.apply = apply;
    }

    @Override
    public void entryAdded(EntryEvent<String, V> e) {
      context.runOnContext(v -> apply.accept(e.getKey(), e.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, V> e) {
      context.runOnContext(v -> apply.accept(e.getKey(), e.getValue()));
    }
  }
}
