package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.failure.UntrustedVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs announced versions: one at a time per model, in sequence order; models in parallel. Tracks
 * the watch position that is safe to persist: every sequence at or below it has been handled, so a
 * restart replays from there and loses nothing (a replayed, already held version is a no-op).
 * A failed version is retried after {@code retryFailedMs} unless a newer version of its model has
 * been announced meanwhile; a version refused as untrusted is not retried (it would be refused
 * again).
 *
 * <p>Superseded versions are skipped, so a fresh node replaying a model's history fetches what it
 * will run, not every version ever published. The registry follows every replay and every new
 * version with each watched model's policy, so announced versions wait for that policy
 * ({@link #policiesDelivered}, or {@link #HOLD_MS} at most) before they are queued; when a
 * version's turn comes it is skipped iff it is not the policy's target and either it is withdrawn
 * or a newer announced version of its model is neither withdrawn nor paused. A version already
 * running is never interrupted, and versions an operator asks for ({@link #fetch}) always run.
 * Confined to the agent verticle's context.
 */
public final class RolloutQueue {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutQueue.class);
  /** Longest an announced version waits for the policy message that follows it. */
  public static final long HOLD_MS = 1_000;

  private final RolloutContext ctx;
  private final LongConsumer savePosition;
  private final long retryFailedMs;
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Map<String, Long> newest = new HashMap<>();
  private final TreeSet<Long> pending = new TreeSet<>();
  /** Sequences queued, running or waiting for a retry: {@link #fetch} leaves those alone. */
  private final java.util.Set<Long> underway = new java.util.HashSet<>();
  /**
   * Per model, announced versions by sequence from the oldest pending one on: what "a newer
   * version" is judged against (older entries are dropped in {@link #handled}).
   */
  private final Map<String, TreeMap<Long, String>> announced = new HashMap<>();
  /** Announced versions waiting for the policy message that follows them. */
  private final List<CommittedVersion> awaitingPolicy = new ArrayList<>();
  private long holdTimer = -1;
  private long highestSeen;
  private boolean stopped;

  public RolloutQueue(RolloutContext ctx, long position, LongConsumer savePosition,
      long retryFailedMs) {
    this.ctx = ctx;
    this.highestSeen = position;
    this.savePosition = savePosition;
    this.retryFailedMs = retryFailedMs;
  }

  public void submit(CommittedVersion v) {
    String model = v.manifest().model();
    newest.merge(model, v.sequence(), Math::max);
    highestSeen = Math.max(highestSeen, v.sequence());
    pending.add(v.sequence());
    announced.computeIfAbsent(model, m -> new TreeMap<>()).put(v.sequence(),
        v.manifest().version());
    ctx.metrics().announced(v);
    awaitingPolicy.add(v);
    if (holdTimer < 0) {
      holdTimer = ctx.vertx().setTimer(HOLD_MS, t -> {
        holdTimer = -1;
        policiesDelivered();
      });
    }
  }

  /** The policies that follow a replay or a new version have arrived: queue what waited. */
  public void policiesDelivered() {
    if (holdTimer >= 0) {
      ctx.vertx().cancelTimer(holdTimer);
      holdTimer = -1;
    }
    List<CommittedVersion> batch = List.copyOf(awaitingPolicy);
    awaitingPolicy.clear();
    batch.forEach(v -> enqueue(v, true));
  }

  /**
   * Runs a version an operator wants (a pinned or rolled-back-to version this node does not hold),
   * after the model's running rollout; it does not move the watch position.
   */
  public void fetch(CommittedVersion v) {
    if (!underway.contains(v.sequence())) {
      enqueue(v, false);
    }
  }

  private void enqueue(CommittedVersion v, boolean announcement) {
    String model = v.manifest().model();
    underway.add(v.sequence());
    Future<Void> tail = tails.getOrDefault(model, Future.succeededFuture());
    Future<Void> next = tail.transform(ignored -> {
      if (announcement && superseded(v)) {
        LOG.info("{}: skipped, superseded by a newer version or withdrawn", v.manifest().id());
        return Future.succeededFuture();
      }
      return new VersionRollout(ctx, v).run();
    });
    tails.put(model, next.transform(ignored -> Future.succeededFuture()));
    next.onComplete(ar -> {
      handled(v.sequence());
      if (ar.failed() && !(ar.cause() instanceof UntrustedVersion)) {
        scheduleRetry(v);
      } else {
        underway.remove(v.sequence());
      }
    });
  }

  private void scheduleRetry(CommittedVersion v) {
    ctx.vertx().setTimer(retryFailedMs, t -> {
      if (!stopped && newest.get(v.manifest().model()) == v.sequence()) {
        enqueue(v, false);
      } else {
        underway.remove(v.sequence());
      }
    });
  }

  /** See the class comment: not the target, and withdrawn or behind an eligible newer one. */
  private boolean superseded(CommittedVersion v) {
    String version = v.manifest().version();
    Optional<ModelPolicy> policy = ctx.gate().policy(v.manifest().model());
    if (policy.flatMap(ModelPolicy::target).map(version::equals).orElse(false)) {
      return false;
    }
    if (policy.map(p -> p.withdrawn().contains(version)).orElse(false)) {
      return true;
    }
    return announced.get(v.manifest().model()).tailMap(v.sequence(), false).values().stream()
        .anyMatch(newer -> policy.map(p -> !p.withdrawn().contains(newer) && !p.isPaused(newer))
            .orElse(true));
  }

  private void handled(long sequence) {
    pending.remove(sequence);
    savePosition.accept(pending.isEmpty() ? highestSeen : pending.first() - 1);
    // Only pending versions are judged (against newer ones): what is older is no longer needed.
    long oldestJudged = pending.isEmpty() ? Long.MAX_VALUE : pending.first();
    announced.values().forEach(byModel -> byModel.headMap(oldestJudged).clear());
    announced.values().removeIf(TreeMap::isEmpty);
  }

  /** Whether every announced version has been handled (succeeded or failed) at least once. */
  public boolean idle() {
    return pending.isEmpty();
  }

  public void stop() {
    stopped = true;
    if (holdTimer >= 0) {
      ctx.vertx().cancelTimer(holdTimer);
      holdTimer = -1;
    }
  }
}
