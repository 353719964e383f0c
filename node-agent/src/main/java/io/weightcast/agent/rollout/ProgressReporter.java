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
  static final long FREE_BYTES_STEP = 64L << 20;

  private final RegistryConnection registry;
  private final Map<String, NodeProgress> latest = new LinkedHashMap<>();
  private final Map<String, NodeProgress> unsent = new LinkedHashMap<>();
  private final long timer;
  private final Vertx vertx;
  private boolean warned;
  private long freeBytes;
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
    if (p.current()) {
      // One version per model is current: the others of the model no longer are.
      for (Map.Entry<String, NodeProgress> e : latest.entrySet()) {
        NodeProgress o = e.getValue();
        if (o.current() && o.model().equals(p.model()) && !e.getKey().equals(key)) {
          NodeProgress off = o.with(o.state(), false, p.reportedAtMs());
          e.setValue(off);
          unsent.put(e.getKey(), off);
        }
      }
    }
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
      registry.reportProgress(p, freeBytes).onComplete(ar -> {
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

  /**
   * Free bytes on the data filesystem (measured by the caller), sent with the next reports. The
   * first measurement, or a change of more than {@link #FREE_BYTES_STEP}, re-sends the latest
   * reports, so an idle node's free disk does not stay unknown or stale at the registry.
   */
  public void freeBytes(long bytes) {
    boolean resend = freeBytes == 0 || Math.abs(bytes - freeBytes) > FREE_BYTES_STEP;
    freeBytes = bytes;
    if (resend) {
      latest.forEach(unsent::put);
    }
  }

  public void stop() {
    vertx.cancelTimer(timer);
    flush();
  }
}
