package io.weightcast.agent.watch;

import io.vertx.core.Vertx;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.wire.RegistryConnection;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a WatchVersions stream open, reconnecting with capped exponential backoff
 * (delay = min(200 ms x 2^failures, 10 s)) from the last sequence delivered, so a registry restart
 * loses and repeats nothing. Confined to the agent verticle's context.
 */
public final class AnnouncementWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(AnnouncementWatcher.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Vertx vertx;
  private final RegistryConnection registry;
  private final List<String> models;
  private final Consumer<CommittedVersion> onVersion;
  private final Consumer<ModelPolicy> onPolicy;
  private long lastSequence;
  private int failures;
  private boolean stopped;
  private RegistryConnection.Watch current;
  private long retryTimer = -1;

  public AnnouncementWatcher(Vertx vertx, RegistryConnection registry, List<String> models,
      long fromSequence, Consumer<CommittedVersion> onVersion) {
    this(vertx, registry, models, fromSequence, onVersion, p -> { });
  }

  /** Also delivers each model policy message (sent after every replay and on each change). */
  public AnnouncementWatcher(Vertx vertx, RegistryConnection registry, List<String> models,
      long fromSequence, Consumer<CommittedVersion> onVersion, Consumer<ModelPolicy> onPolicy) {
    this.onPolicy = onPolicy;
    this.vertx = vertx;
    this.registry = registry;
    this.models = models;
    this.lastSequence = fromSequence;
    this.onVersion = onVersion;
  }

  public void start() {
    connect();
  }

  public void stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (current != null) {
      current.cancel().run();
    }
  }

  public long lastSequence() {
    return lastSequence;
  }

  private void connect() {
    if (stopped) {
      return;
    }
    registry.watch(lastSequence, models, this::deliver, this::skipInvalid, onPolicy)
        .onSuccess(w -> {
          current = w;
          if (failures > 0) {
            LOG.info("watching the registry again from sequence {}", lastSequence);
          }
          failures = 0;
          w.done().onComplete(ar -> retry(ar.succeeded() ? "stream ended" : ar.cause().getMessage()));
        })
        .onFailure(e -> retry(e.getMessage()));
  }

  private void deliver(CommittedVersion v) {
    if (v.sequence() <= lastSequence) {
      return;
    }
    lastSequence = v.sequence();
    onVersion.accept(v);
  }

  /** An announcement this agent cannot accept is logged and passed over, never retried. */
  private void skipInvalid(long sequence, RuntimeException e) {
    if (sequence > lastSequence) {
      LOG.error("skipping announcement {}: its manifest fails validation: {}", sequence,
          e.getMessage());
      lastSequence = sequence;
    }
  }

  private void retry(String why) {
    if (stopped) {
      return;
    }
    long delay = Math.min(MAX_BACKOFF_MS, 200L << Math.min(failures, 10));
    if (failures == 0) {
      LOG.warn("registry watch interrupted ({}); reconnecting", why);
    }
    failures++;
    retryTimer = vertx.setTimer(delay, t -> {
      retryTimer = -1;
      connect();
    });
  }
}
