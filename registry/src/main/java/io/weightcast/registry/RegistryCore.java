package io.weightcast.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.signing.ManifestSignature;
import io.weightcast.protocol.wire.RegistryConnection.Published;
import io.weightcast.registry.catalog.DistributorLeases;
import io.weightcast.registry.catalog.VersionCatalog;
import io.weightcast.registry.control.ControlService;
import io.weightcast.registry.control.ControlStore;
import io.weightcast.registry.events.EventHub;
import io.weightcast.registry.events.EventJson;
import io.weightcast.registry.events.RegistryEvent;
import io.weightcast.registry.progress.RolloutTracker;
import io.weightcast.registry.store.VersionLog;
import io.weightcast.registry.watch.Announcer;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The registry's state and its one write path. Confined to the registry verticle's context: the
 * catalog, announcer, leases and tracker are only touched there; the log is only touched on the
 * single-threaded {@code wc-registry-log} worker.
 *
 * <p>Publish: (1) answer an identical repeat at once, refuse a conflicting one; (2) ask a live
 * distributor whether it holds every chunk; (3) in commit order: assign the next sequence, append
 * and fsync the log record, and only then (4) add it to the catalog and announce it.
 */
public final class RegistryCore {
  private final VersionLog log;
  private final WorkerExecutor logWorker;
  private final ChunkPresence chunks;
  private final VersionCatalog catalog;
  private final Announcer announcer;
  private final DistributorLeases leases;
  private final RolloutTracker rollouts = new RolloutTracker();
  private final RegistryMetrics metrics;
  private Future<?> commitTail = Future.succeededFuture();
  private final EventHub events = new EventHub();
  private ControlService control;
  /** Step (3) of a publish: the local log (single node) or the cluster's replicated log. */
  private BiFunction<Manifest, Optional<ManifestSignature>, Future<Published>> committer =
      this::commit;
  /** Where progress reports go: the local tracker, or the cluster's shared progress map. */
  private Consumer<NodeProgress> progressOut = this::applyProgress;

  public RegistryCore(Vertx vertx, VersionLog log, WorkerExecutor logWorker) {
    this(vertx, log, logWorker, io.weightcast.protocol.security.ClientSecurity.PLAINTEXT);
  }

  /** {@code security}: what the registry presents to distributors (chunk presence checks). */
  public RegistryCore(Vertx vertx, VersionLog log, WorkerExecutor logWorker,
      io.weightcast.protocol.security.ClientSecurity security) {
    this.log = log;
    this.logWorker = logWorker;
    this.catalog = new VersionCatalog(log.replayed());
    this.announcer = new Announcer(catalog);
    this.leases = new DistributorLeases(System::currentTimeMillis);
    this.chunks = new ChunkPresence(vertx, leases, security);
    this.metrics = new RegistryMetrics(catalog, rollouts);
  }

  public Future<Published> publish(Manifest manifest) {
    return publish(manifest, Optional.empty());
  }

  /**
   * Publishes with the publisher's signature, stored and announced with the version as given
   * (agents verify it; the registry holds no keys). A repeat keeps the first commit's signature.
   */
  public Future<Published> publish(Manifest manifest, Optional<ManifestSignature> signature) {
    return attempt(() -> catalog.existing(manifest))
        .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(new Published(existing.get(), false))
            : chunks.requireAll(manifest).compose(v -> inCommitOrder(
                () -> committer.apply(manifest, signature))));
  }

  private Future<Published> commit(Manifest manifest, Optional<ManifestSignature> signature) {
    Optional<CommittedVersion> raced = catalog.existing(manifest);
    if (raced.isPresent()) {
      return Future.succeededFuture(new Published(raced.get(), false));
    }
    CommittedVersion version = CommittedVersion.of(manifest, catalog.nextSequence(),
        System.currentTimeMillis(), signature);
    return applyCommitted(version).map(v -> new Published(version, true));
  }

  /** Appends and fsyncs {@code version} (the next sequence), then catalogs and announces it. */
  public Future<Void> applyCommitted(CommittedVersion version) {
    return logWorker.executeBlocking(() -> {
      log.append(version);
      return version;
    }).map(v -> {
      catalog.add(v);
      announcer.announce(v);
      return null;
    });
  }

  /**
   * Clustered mode (registry/.../cluster): commits and progress reports go to the cluster, which
   * applies them back through {@link #applyCommitted} and {@link #rollouts()}.
   */
  public void replicateWith(
      BiFunction<Manifest, Optional<ManifestSignature>, Future<Published>> clusterCommitter,
      Consumer<NodeProgress> clusterProgress) {
    this.committer = clusterCommitter;
    this.progressOut = clusterProgress;
  }

  /** Runs commits one after another, whatever the outcome of the previous one. */
  private <T> Future<T> inCommitOrder(Supplier<Future<T>> step) {
    Future<T> result = commitTail.transform(ignored -> step.get());
    commitTail = result.transform(ignored -> Future.succeededFuture());
    return result;
  }

  private static <T> Future<T> attempt(Callable<T> action) {
    try {
      return Future.succeededFuture(action.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  public void report(NodeProgress progress) {
    progressOut.accept(progress);
  }

  /** Records a report in the local tracker (directly, or as the cluster applies it): metrics, events. */
  public void applyProgress(NodeProgress progress) {
    metrics.reported(rollouts.report(progress), progress);
    events.publish(new RegistryEvent("progress",
        EventJson.progress(progress, rollouts.rate(progress))));
  }

  /**
   * Loads the operators' control state from {@code dataDir} and follows new versions: each is
   * published as a {@code version} event, and its model's policy is re-sent once every watcher
   * has the announcement (next turn of the context).
   */
  public Future<Void> openControl(Vertx vertx, java.nio.file.Path dataDir) {
    return ControlService.open(new ControlStore(dataDir), logWorker, catalog, events)
        .map(c -> {
          control = c;
          announcer.subscribe(catalog.lastSequence(), java.util.List.of(), v -> {
            events.publish(new RegistryEvent("version", EventJson.version(v)));
            vertx.runOnContext(x -> c.published(v));
          });
          return null;
        });
  }

  public ControlService control() {
    return control;
  }

  public EventHub events() {
    return events;
  }

  public VersionCatalog catalog() {
    return catalog;
  }

  public Announcer announcer() {
    return announcer;
  }

  public DistributorLeases leases() {
    return leases;
  }

  public RolloutTracker rollouts() {
    return rollouts;
  }

  public RegistryMetrics metrics() {
    return metrics;
  }

  public Future<Void> close() {
    return chunks.close().eventually(() -> logWorker.executeBlocking(() -> {
      log.close();
      return null;
    }));
  }
}
