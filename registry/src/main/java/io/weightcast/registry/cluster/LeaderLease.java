package io.weightcast.registry.cluster;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which registry of the cluster is the writer: an entry {@code "leader" -> self} in the IMap
 * {@code weightcast.registry-leader} with a TTL of {@link #TTL_MS}, taken with
 * {@code putIfAbsent} and renewed every {@link #RENEW_MS} with {@code setTtl}.
 *
 * <p>Why not a Hazelcast FencedLock: the CP subsystem needs at least 3 members, and a
 * 2-registry cluster would run it in "unsafe" mode anyway. The IMap lease is AP: during a network
 * partition both halves can hold a lease. The replicated log fences that inside one cluster
 * (a sequence is claimed with {@code putIfAbsent}, so two writers cannot both commit it), but
 * after a split-brain merge one side's records are lost from the map; a registry whose local log
 * then disagrees with the map refuses to start ({@link ReplicatedVersions}).
 *
 * <p>This member believes it leads until {@code renewedAt + TTL - MARGIN}, with renewedAt taken
 * before the renewal call, so it stops writing before another member can take the lease.
 * Confined to the registry verticle's context; Hazelcast calls run on {@code worker}.
 */
final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  static final long TTL_MS = 5_000;
  static final long RENEW_MS = 1_000;
  private static final long MARGIN_MS = 1_500;
  private static final String KEY = "leader";

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final IMap<String, String> map;
  private final String self;
  private final Runnable onAcquired;
  private long leaderUntilMs;
  private String holder = "";
  private long timer = -1;
  private boolean ticking;

  LeaderLease(Vertx vertx, WorkerExecutor worker, IMap<String, String> map, String self,
      Runnable onAcquired) {
    this.vertx = vertx;
    this.worker = worker;
    this.map = map;
    this.self = self;
    this.onAcquired = onAcquired;
  }

  Future<Void> start() {
    timer = vertx.setPeriodic(RENEW_MS, t -> tick());
    return tick();
  }

  /** True while this member may write. */
  boolean held() {
    return System.currentTimeMillis() < leaderUntilMs;
  }

  /** The lease holder as last seen ("" when unknown). */
  String holder() {
    return holder;
  }

  /** Tries to take or renew the lease now (also called when a member leaves). */
  Future<Void> tick() {
    if (ticking) {
      return Future.succeededFuture();
    }
    ticking = true;
    long startedAt = System.currentTimeMillis();
    boolean wasLeader = held();
    return worker.executeBlocking(() -> {
      String current = map.putIfAbsent(KEY, self, TTL_MS, TimeUnit.MILLISECONDS);
      if (current != null && current.equals(self)) {
        map.setTtl(KEY, TTL_MS, TimeUnit.MILLISECONDS);
      }
      return current == null ? self : current;
    }, false).map(current -> {
      holder = current;
      if (current.equals(self)) {
        leaderUntilMs = startedAt + TTL_MS - MARGIN_MS;
        if (!wasLeader) {
          LOG.info("registry {} is now the leader (writer) of the cluster", self);
          onAcquired.run();
        }
      } else {
        if (wasLeader) {
          LOG.warn("registry {} lost the leader lease to {}", self, current);
        }
        leaderUntilMs = 0;
      }
      return (Void) null;
    }).onFailure(e -> LOG.warn("leader lease check failed: {}", e.getMessage()))
        .eventually(() -> {
          ticking = false;
          return Future.succeededFuture();
        }).recover(e -> Future.succeededFuture());
  }

  /** Stops renewing and, when leading, hands the lease back so another member takes it at once. */
  Future<Void> release() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    boolean leading = held();
    leaderUntilMs = 0;
    if (!leading) {
      return Future.succeededFuture();
    }
    return worker.executeBlocking(() -> map.remove(KEY, self), false)
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}
