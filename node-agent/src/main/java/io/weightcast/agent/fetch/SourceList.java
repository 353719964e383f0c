package io.weightcast.agent.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.wire.RegistryConnection;
import java.util.List;

/**
 * The distributors this agent fetches from, as last listed by the registry: refreshed at start
 * and every {@code refreshMs}, so a registry that is down or restarting does not stop transfers
 * that already know where to go. Confined to the agent verticle's context.
 */
public final class SourceList {
  private final Vertx vertx;
  private final RegistryConnection registry;
  private final long refreshMs;
  private List<String> known = List.of();
  private boolean stale;
  private long timer = -1;

  public SourceList(Vertx vertx, RegistryConnection registry, long refreshMs) {
    this.vertx = vertx;
    this.registry = registry;
    this.refreshMs = refreshMs;
  }

  public void start() {
    refresh();
    timer = vertx.setPeriodic(refreshMs, t -> refresh());
  }

  /**
   * The known sources; asks the registry first when none is known yet or after
   * {@link #invalidate()}, falling back to the last known list when the registry cannot answer.
   */
  public Future<List<String>> get() {
    if (stale && !known.isEmpty()) {
      stale = false;
      List<String> fallback = known;
      return refresh().map(urls -> urls.isEmpty() ? fallback : urls)
          .otherwise(e -> fallback);
    }
    if (!known.isEmpty()) {
      return Future.succeededFuture(known);
    }
    return refresh().compose(urls -> urls.isEmpty()
        ? Future.failedFuture(new Unavailable("the registry knows no live distributor"))
        : Future.succeededFuture(urls));
  }

  /** The known sources failed: ask the registry again on the next {@link #get()}. */
  public void invalidate() {
    stale = true;
  }

  private Future<List<String>> refresh() {
    return registry.listDistributors().onSuccess(urls -> {
      if (!urls.isEmpty()) {
        known = urls;
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
