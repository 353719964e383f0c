package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.weightcast.agent.assemble.AssemblyConfig;
import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.assemble.ModelStore;
import io.weightcast.agent.assemble.VersionAssembly;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one version onto this node. Steps: (0) with trusted keys configured, refuse a version
 * whose signature is missing, untrusted or does not verify ({@code TrustedKeys#check}), before
 * any byte is fetched or written: it is reported FAILED with the reason and {@code current} stays;
 * (1) open the assembly on the disk pool (free-space
 * check, preallocation, journal replay after a crash); (2) fetch every missing chunk, at most
 * {@code chunksInFlight} at once, as the distributor picks them ({@link FetchScheduler}), decode +
 * verify + write + journal each on the disk pool, retrying a failed chunk from the next
 * distributor with backoff 250 ms x 2^attempt; (3) finish: force,
 * fsync, rename staging into {@code DATA/models/M/V}; (3b) warm its files into the page cache
 * ({@code PageCacheWarmer}; a warm-up failure is logged, never fatal); (4) activate if it is the
 * newest version of its model (or, under an operator policy, its target), then apply retention.
 * Confined to the agent verticle's context; the assembly itself
 * is touched only on the disk pool.
 */
public final class VersionRollout {
  private static final Logger LOG = LoggerFactory.getLogger(VersionRollout.class);

  private final RolloutContext ctx;
  private final CommittedVersion version;
  private final Manifest manifest;
  private VersionAssembly assembly;
  private ChunkTransfer transfer;
  private final java.nio.file.Path stagingDir;
  private List<String> sources = List.of();
  private long chunksDone;
  private long bytesDone;
  /** Chunk locations ("file#chunk") counted in {@link #chunksDone} by this run. */
  private final java.util.Set<String> counted = new java.util.HashSet<>();
  private long bytesReused;
  /** Bytes fetched from peer agents in this run (the rest of the fetched bytes: the origin). */
  private long bytesFromPeers;
  private State state = State.QUEUED;
  private String lastError = "";
  private boolean current;

  public VersionRollout(RolloutContext ctx, CommittedVersion version) {
    this.ctx = ctx;
    this.version = version;
    this.manifest = version.manifest();
    this.stagingDir = new io.weightcast.agent.assemble.DataLayout(ctx.config().dataDir())
        .stagingDir(manifest.model(), manifest.version());
  }

  /** Runs the rollout; the future fails (after reporting FAILED) with the reason. */
  public Future<Void> run() {
    long startedAt = System.nanoTime();
    return trusted().compose(ok -> {
          report(State.FETCHING);
          return ctx.disk().executeBlocking(() -> VersionAssembly.open(ctx.config().dataDir(),
              manifest, AssemblyConfig.DEFAULTS), false);
        })
        .compose(a -> {
          if (LOG.isDebugEnabled()) {
            LOG.debug("{}: opened in {} ms, {} chunks missing", manifest.id(),
                (System.nanoTime() - startedAt) / 1_000_000, a.missingChunks().size());
          }
          assembly = a;
          transfer = new ChunkTransfer(ctx, a, this::written);
          chunksDone = a.doneChunks();
          bytesDone = a.doneBytes();
          ctx.metrics().local(a.isPublished() ? 0 : a.doneBytes());
          if (a.isPublished()) {
            return Future.succeededFuture();
          }
          List<ChunkLocation> missing = new java.util.ArrayList<>(a.missingChunks());
          // A per-node order, so rack-mates pull different chunks across the uplink first and
          // then swap them inside the rack.
          java.util.Collections.shuffle(missing,
              new java.util.Random(ctx.config().nodeId().hashCode()));
          return fetchAll(missing).compose(v -> finish());
        })
        .compose(v -> {
          // Published: serve its chunks from their final place while it warms (staged paths
          // are gone since the rename).
          ctx.onHeld().accept(version);
          return warm();
        })
        .compose(v -> activate())
        .onSuccess(v -> report(State.ACTIVE))
        .onFailure(e -> {
          lastError = e.getMessage();
          LOG.warn("{} failed: {}", manifest.id(), lastError);
          report(State.FAILED);
        })
        .eventually(this::closeAssembly);
  }

  /** Step (0): hashes the manifest text and checks Ed25519 over it, on the disk pool. */
  private Future<Void> trusted() {
    if (!ctx.config().guards().trustedKeys().enforced()) {
      return Future.succeededFuture();
    }
    return ctx.disk().executeBlocking(() -> {
      ctx.config().guards().trustedKeys().check(version);
      return null;
    }, false);
  }

  private Future<Void> fetchAll(List<ChunkLocation> missing) {
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return ctx.sources().get().compose(urls -> new FetchScheduler(ctx.vertx(), urls,
            ctx.config().chunksInFlight(), ctx.topology()::pick, transfer::run, this::giveUp,
            // A paused rollout starts no new fetch; chunks already in flight finish.
            () -> ctx.gate().whenRunnable(manifest.model(), manifest.version(),
                () -> report(State.PAUSED)),
            System::currentTimeMillis)
        .run(missing)
        .onFailure(e -> ctx.sources().invalidate()));
  }

  /**
   * A chunk is verified and written (durable at its group commit, see GroupCommit; a crash before
   * that fetches it again): count it and serve it to peers from staging.
   */
  private void written(ChunkLocation loc, ChunkTransfer.Source source) {
    ctx.onChunkHeld().accept(loc.chunk(), stagingDir.resolve(loc.file().path()));
    if (!counted.add(loc.fileIndex() + "#" + loc.chunk().index())) {
      // Counted already (written twice in this run): the counters must stay within the
      // manifest's totals, or the progress record refuses them (seen once in
      // ClusteredControlPlaneTest, a failover run; the cause was not found).
      LOG.warn("{}: chunk {} of '{}' was written twice in this run; counted once",
          manifest.id(), loc.chunk().index(), loc.file().path());
      return;
    }
    chunksDone++;
    bytesDone += loc.chunk().length();
    bytesReused += source == ChunkTransfer.Source.LOCAL ? loc.chunk().length() : 0;
    bytesFromPeers += source == ChunkTransfer.Source.PEER ? loc.chunk().length() : 0;
    try {
      report(State.FETCHING);
    } catch (IllegalArgumentException e) {
      // A progress report must never fail the transfer that triggered it (it would be taken for
      // a bad source, retried and the source quarantined).
      LOG.warn("{}: progress not reported: {}", manifest.id(), e.getMessage());
    }
  }

  /** Retry policy of {@link FetchScheduler}: null to retry {@code loc}, else why the run ends. */
  private Throwable giveUp(ChunkLocation loc, int attempt, Throwable e) {
    boolean retryable = !(e instanceof WeightcastFailure f) || f.retryable();
    if (!retryable || attempt >= ctx.config().maxAttempts()) {
      return new Unavailable("chunk " + loc.chunk().index() + " of '"
          + loc.file().path() + "' (" + loc.chunk().digest().shortHex() + ") failed after "
          + attempt + " attempt(s): " + e.getMessage(), e);
    }
    LOG.info("{}: retrying chunk {} of '{}' (attempt {}): {}", manifest.id(),
        loc.chunk().index(), loc.file().path(), attempt + 1, e.getMessage());
    return null;
  }

  private Future<Void> finish() {
    report(State.VERIFYING);
    return ctx.disk().executeBlocking(() -> assembly.finish(ctx.config().verifyFiles()), false)
        .mapEmpty();
  }

  private Future<Void> warm() {
    if (!ctx.warmer().enabled()) {
      return Future.succeededFuture();
    }
    java.nio.file.Path dir = new io.weightcast.agent.assemble.DataLayout(ctx.config().dataDir())
        .versionDir(manifest.model(), manifest.version());
    return ctx.disk().executeBlocking(() -> ctx.warmer().warm(dir, manifest), false)
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("{}: warm-up failed, activating cold: {}", manifest.id(), e.toString());
          return Future.succeededFuture();
        });
  }

  /** Records the version as held and moves {@code current} if no newer version is active. */
  private Future<Void> activate() {
    String model = manifest.model();
    return ctx.disk().executeBlocking(() -> {
      ctx.state().saveManifest(version);
      boolean newest = ctx.gate().mayActivate(model, manifest.version(),
          ctx.state().activeSequence(model).orElse(0) <= version.sequence());
      if (newest) {
        ModelStore.activate(ctx.config().dataDir(), model, manifest.version());
        ctx.state().saveActiveSequence(model, version.sequence());
      }
      List<String> removed = ModelStore.retain(ctx.config().dataDir(), model,
          ctx.config().keepVersions());
      removed.forEach(v -> ctx.state().forgetManifest(model, v));
      return new Activation(newest, removed);
    }, false).map(a -> {
      chunksDone = manifest.chunkCount();
      bytesDone = manifest.totalBytes();
      current = a.activated();
      if (current) {
        ctx.metrics().activated(version);
      }
      ctx.onHeld().accept(version);
      a.removed().forEach(v -> ctx.onRemoved().accept(model + "/" + v));
      return null;
    });
  }

  private record Activation(boolean activated, List<String> removed) {}

  private Future<Void> closeAssembly() {
    VersionAssembly a = assembly;
    assembly = null;
    return a == null ? Future.succeededFuture() : ctx.disk().executeBlocking(() -> {
      a.close();
      return null;
    }, false);
  }

  private void report(State s) {
    state = s;
    ctx.reporter().update(new NodeProgress(ctx.config().nodeId(), ctx.config().zone(),
        ctx.config().rack(), manifest.model(), manifest.version(), state, chunksDone,
        manifest.chunkCount(), bytesDone, manifest.totalBytes(), bytesReused, lastError,
        ctx.serveUrl(), current, System.currentTimeMillis(), bytesFromPeers));
  }
}
