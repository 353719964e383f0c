package io.weightcast.distributor.lease;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.protocol.wire.RegistryConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this distributor registered: registers at start, renews every lease/3, and while the
 * registry is unreachable retries every {@link #RETRY_MS} with one warning per outage. Never fails
 * the caller. Owns the {@link RegistryConnection}; confined to the deploying verticle's context
 * (its timers and callbacks run there).
 */
public final class RegistryLease {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryLease.class);
  public static final long RETRY_MS = 5_000;
  private static final long MIN_RENEW_MS = 1_000;

  private final Vertx vertx;
  private final RegistryConnection registry;
  private final String baseUrl;
  private final String distributorId;
  private long timerId = -1;
  private boolean unreachable;
  private boolean stopped;

  public RegistryLease(Vertx vertx, RegistryConnection registry, String baseUrl,
      String distributorId) {
    this.vertx = vertx;
    this.registry = registry;
    this.baseUrl = baseUrl;
    this.distributorId = distributorId;
  }

  /** Registers now and keeps renewing until {@link #stop()}. */
  public void start() {
    renew();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return registry.closeAsync();
  }

  private void renew() {
    registry.registerDistributor(baseUrl, distributorId).onComplete(ar -> {
      if (stopped) {
        return;
      }
      long delay;
      if (ar.succeeded()) {
        if (unreachable) {
          LOG.info("registered {} at {} again", distributorId, baseUrl);
        }
        unreachable = false;
        delay = Math.max(MIN_RENEW_MS, ar.result() / 3);
      } else {
        if (!unreachable) {
          LOG.warn("cannot register {} with the registry, retrying every {} ms: {}",
              distributorId, RETRY_MS, ar.cause().getMessage());
        }
        unreachable = true;
        delay = RETRY_MS;
      }
      timerId = vertx.setTimer(delay, id -> renew());
    });
  }
}
