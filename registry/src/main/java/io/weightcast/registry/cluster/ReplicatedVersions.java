package io.weightcast.registry.cluster;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.signing.ManifestSignature;
import io.weightcast.protocol.wire.RegistryConnection.Published;
import io.weightcast.registry.RegistryCore;
import io.weightcast.registry.store.VersionLog;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated version log: the IMap {@code weightcast.versions}, sequence to record (one
 * synchronous backup, see ClusteredVertx), mirrored by every registry into its own local log and
 * catalog in sequence order.
 *
 * <p>Record: {@code "<manifest digest hex>\n"} followed by the local log's payload
 * ({@link VersionLog#encode}: seq, committed-at, the signature line when signed, canonical manifest
 * text), so a version's signature is replicated with it. A record whose manifest
 * does not hash to its digest stops the mirror there (logged), it is never applied.
 *
 * <p>Commit, on the leader only, inside the core's commit order: (1) catch up from the map;
 * (2) take sequence last+1 and claim it with {@code putIfAbsent} (a second writer, e.g. a
 * paused ex-leader, finds it taken and answers UNAVAILABLE); (3) apply it like every follower
 * does: append+fsync the local log, catalog, announce; (4) answer. The map holds a record before
 * any registry announces it, so the loss of the leader after (2) loses nothing: the next leader
 * applies it in its catch-up. Confined to the registry verticle's context; Hazelcast calls run on
 * {@code worker}.
 */
final class ReplicatedVersions {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedVersions.class);

  private final RegistryCore core;
  private final WorkerExecutor worker;
  private final IMap<Long, String> map;
  private Future<Void> applyTail = Future.succeededFuture();

  ReplicatedVersions(RegistryCore core, WorkerExecutor worker, IMap<Long, String> map) {
    this.core = core;
    this.worker = worker;
    this.map = map;
  }

  /**
   * Start: offers every record of the local log to the map (a full-cluster restart reseeds it
   * from the registries' disks) and refuses to start when the map holds another record at the
   * same sequence; then catches up.
   */
  Future<Void> seed() {
    var local = core.catalog().after(0, java.util.List.of());
    return worker.executeBlocking(() -> {
      for (CommittedVersion v : local) {
        String existing = map.putIfAbsent(v.sequence(), encode(v));
        if (existing != null && !decode(existing).manifestDigest().equals(v.manifestDigest())) {
          throw new IllegalStateException("local version log diverges from the cluster at"
              + " sequence " + v.sequence() + ": move the data directory aside and restart");
        }
      }
      return null;
    }, false).compose(v -> catchUp());
  }

  /** Applies every record after the local last sequence, in order; serialised. */
  Future<Void> catchUp() {
    Future<Void> run = applyTail.transform(ignored -> applyNext());
    applyTail = run.recover(e -> Future.succeededFuture());
    return run;
  }

  private Future<Void> applyNext() {
    long next = core.catalog().lastSequence() + 1;
    return worker.executeBlocking(() -> Optional.ofNullable(map.get(next)), false)
        .compose(record -> {
          if (record.isEmpty()) {
            return Future.succeededFuture();
          }
          CommittedVersion v = decode(record.get());
          if (v.sequence() != next) {
            return Future.failedFuture(new IllegalStateException("replicated record " + next
                + " names sequence " + v.sequence()));
          }
          return core.applyCommitted(v).compose(done -> applyNext());
        }).onFailure(e -> LOG.error("cannot apply replicated version {}: {}", next,
            e.getMessage()));
  }

  /** Steps (1)-(4) above; the caller has checked this member holds the lease. */
  Future<Published> commit(Manifest manifest, Optional<ManifestSignature> signature) {
    return catchUp().compose(caughtUp -> {
      Optional<CommittedVersion> raced = core.catalog().existing(manifest);
      if (raced.isPresent()) {
        return Future.succeededFuture(new Published(raced.get(), false));
      }
      CommittedVersion version = CommittedVersion.of(manifest, core.catalog().nextSequence(),
          System.currentTimeMillis(), signature);
      String record = encode(version);
      return worker.executeBlocking(() -> map.putIfAbsent(version.sequence(), record), false)
          .compose(previous -> previous != null
              ? catchUp().compose(v -> Future.<Published>failedFuture(new Unavailable(
                  "sequence " + version.sequence() + " was taken by another leader; retry")))
              : catchUp().compose(v -> core.catalog().lastSequence() >= version.sequence()
                  ? Future.succeededFuture(new Published(version, true))
                  : Future.failedFuture(new Unavailable("version " + version.sequence()
                      + " is replicated but not yet applied here"))));
    });
  }

  static String encode(CommittedVersion v) {
    return v.manifestDigest().hex() + "\n"
        + new String(VersionLog.encode(v), StandardCharsets.UTF_8);
  }

  static CommittedVersion decode(String record) {
    int nl = record.indexOf('\n');
    if (nl < 0) {
      throw new IllegalStateException("replicated record has no digest line");
    }
    CommittedVersion v = VersionLog.decode(record.substring(nl + 1)
        .getBytes(StandardCharsets.UTF_8));
    if (!v.manifestDigest().hex().equals(record.substring(0, nl))) {
      throw new IllegalStateException("replicated record " + v.sequence()
          + " does not match its digest");
    }
    return v;
  }
}
