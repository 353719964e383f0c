package io.weightcast.agent.rollout;

import io.vertx.core.Vertx;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.wire.RegistryConnection;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's latest progress per version to the registry: state changes at once, byte
 * counts at most once per {@link #INTERVAL_MS}. Reports are idempotent (latest wins), so a lost
 * one is repaired by the next. Confined to the agent verticle's context.
 */
public final class ProgressReporter {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
  static final long INTERVAL_MS = 1_000;

  private final RegistryConnection registry;
  private final Map<String, NodeProgress> latest = new LinkedHashMap<>();
  private final Map<String, NodeProgress> unsent = new LinkedHashMap<>();
  private final long timer;
  private final Vertx vertx;
  private boolean warned;
  private java.util.function.Consumer<NodeProgress> onStateChange = p -> { };

  public ProgressReporter(Vertx vertx, RegistryConnection registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.timer = vertx.setPeriodic(INTERVAL_MS, t -> flush());
  }

  /** Records a report; sends it now when the state changed. */
  public void update(NodeProgress p) {
    String key = p.model() + "/" + p.version();
    NodeProgress before = latest.put(key, p);
    unsent.put(key, p);
    if (before == null || before.state() != p.state() || before.current() != p.current()) {
      onStateChange.accept(p);
      flush();
    }
  }

  /** Called on the context with each report that changes a version's state. */
  public void onStateChange(java.util.function.Consumer<NodeProgress> listener) {
    this.onStateChange = listener;
  }

  /** The latest report of every version this node has seen. */
  public Collection<NodeProgress> latest() {
    return latest.values();
  }

  public void flush() {
    for (NodeProgress p : unsent.values()) {
      registry.reportProgress(p).onComplete(ar -> {
        if (ar.failed() && !warned) {
          warned = true;
          LOG.warn("cannot report progress to the registry: {}", ar.cause().getMessage());
        } else if (ar.succeeded()) {
          warned = false;
        }
      });
    }
    unsent.clear();
  }

  public void stop() {
    vertx.cancelTimer(timer);
    flush();
  }
}
