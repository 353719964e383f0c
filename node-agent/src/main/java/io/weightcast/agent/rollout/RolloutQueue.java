package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.UntrustedVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * Runs announced versions: one at a time per model, in sequence order; models in parallel. Tracks
 * the watch position that is safe to persist: every sequence at or below it has been handled, so a
 * restart replays from there and loses nothing (a replayed, already held version is a no-op).
 * A failed version is retried after {@code retryFailedMs} unless a newer version of its model has
 * been announced meanwhile; a version refused as untrusted is not retried (it would be refused
 * again). Confined to the agent verticle's context.
 */
public final class RolloutQueue {
  private final RolloutContext ctx;
  private final LongConsumer savePosition;
  private final long retryFailedMs;
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Map<String, Long> newest = new HashMap<>();
  private final TreeSet<Long> pending = new TreeSet<>();
  /** Sequences queued, running or waiting for a retry: {@link #fetch} leaves those alone. */
  private final java.util.Set<Long> underway = new java.util.HashSet<>();
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
    ctx.metrics().announced(v);
    enqueue(v);
  }

  /**
   * Runs a version an operator wants (a pinned or rolled-back-to version this node does not hold),
   * after the model's running rollout; it does not move the watch position.
   */
  public void fetch(CommittedVersion v) {
    if (!underway.contains(v.sequence())) {
      enqueue(v);
    }
  }

  private void enqueue(CommittedVersion v) {
    String model = v.manifest().model();
    underway.add(v.sequence());
    Future<Void> tail = tails.getOrDefault(model, Future.succeededFuture());
    Future<Void> next = tail.transform(ignored -> new VersionRollout(ctx, v).run());
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
        enqueue(v);
      } else {
        underway.remove(v.sequence());
      }
    });
  }

  private void handled(long sequence) {
    pending.remove(sequence);
    savePosition.accept(pending.isEmpty() ? highestSeen : pending.first() - 1);
  }

  /** Whether every announced version has been handled (succeeded or failed) at least once. */
  public boolean idle() {
    return pending.isEmpty();
  }

  public void stop() {
    stopped = true;
  }
}
