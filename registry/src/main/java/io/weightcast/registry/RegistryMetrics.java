package io.weightcast.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import io.weightcast.registry.catalog.VersionCatalog;
import io.weightcast.registry.progress.RolloutTracker;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The registry's Prometheus meters, in its own registry (why: {@link PrometheusEndpoint}).
 * Labels are bounded: {@code state} is one of the five {@link NodeProgress.State}s; no model,
 * version or node id is ever a label.
 *
 * <ul>
 *   <li>{@code weightcast_registry_versions_published_total}: versions committed to the log
 *       (the last sequence, so it carries on across restarts);
 *   <li>{@code weightcast_registry_watch_streams_open}: WatchVersions streams subscribed now;
 *   <li>{@code weightcast_registry_progress_reports_total{state}}: ReportProgress calls;
 *   <li>{@code weightcast_registry_node_activations_total}: a node reporting ACTIVE for a version
 *       it had not reported ACTIVE before (fleet-wide rollout completion);
 *   <li>{@code weightcast_rollout_nodes{state}}, {@code weightcast_rollout_done_bytes},
 *       {@code weightcast_rollout_size_bytes}: over the newest version of every model, the nodes
 *       per state and the bytes done / to do; completion = active nodes / all nodes.
 * </ul>
 *
 * <p>Threading: gauges read the catalog and tracker, which are confined to the registry
 * verticle's context; they are evaluated only by {@link #endpoint()} scrapes, which the REST
 * router runs on that context. {@link #reported} is called there too.
 */
public final class RegistryMetrics {
  private final PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
  private final PrometheusEndpoint endpoint =
      new PrometheusEndpoint(registry, Future::succeededFuture);
  private final VersionCatalog catalog;
  private final RolloutTracker rollouts;
  private final Map<NodeProgress.State, Counter> reports = new EnumMap<>(NodeProgress.State.class);
  private final Counter activations;
  /** WatchVersions streams open now (not the registry's own announcer subscriptions). */
  private final java.util.concurrent.atomic.AtomicInteger watchStreams =
      new java.util.concurrent.atomic.AtomicInteger();

  public RegistryMetrics(VersionCatalog catalog, RolloutTracker rollouts) {
    this.catalog = catalog;
    this.rollouts = rollouts;
    FunctionCounter.builder("weightcast.registry.versions.published", catalog,
            VersionCatalog::lastSequence)
        .description("Versions committed to the version log").register(registry);
    Gauge.builder("weightcast.registry.watch.streams.open", watchStreams::get)
        .description("WatchVersions streams open").register(registry);
    for (NodeProgress.State s : NodeProgress.State.values()) {
      String state = s.name().toLowerCase(java.util.Locale.ROOT);
      reports.put(s, Counter.builder("weightcast.registry.progress.reports").tag("state", state)
          .description("Progress reports received, by reported state").register(registry));
      Gauge.builder("weightcast.rollout.nodes", () -> count(s)).tag("state", state)
          .description("Nodes per state on the newest version of each model").register(registry);
    }
    activations = Counter.builder("weightcast.registry.node.activations")
        .description("Nodes that reported a version ACTIVE for the first time").register(registry);
    Gauge.builder("weightcast.rollout.done", () -> bytes(true)).baseUnit("bytes")
        .description("Bytes done over the newest version of each model").register(registry);
    Gauge.builder("weightcast.rollout.size", () -> bytes(false)).baseUnit("bytes")
        .description("Bytes to deliver over the newest version of each model").register(registry);
  }

  /** Counts one progress report; {@code previous} is the node's earlier report, or null. */
  public void reported(NodeProgress previous, NodeProgress progress) {
    reports.get(progress.state()).increment();
    if (progress.state() == NodeProgress.State.ACTIVE
        && (previous == null || previous.state() != NodeProgress.State.ACTIVE)) {
      activations.increment();
    }
  }

  public PrometheusEndpoint endpoint() {
    return endpoint;
  }

  private List<CommittedVersion> newest() {
    return catalog.models().values().stream().map(vs -> vs.get(vs.size() - 1)).toList();
  }

  /** A WatchVersions stream opened; pair with {@link #watchClosed()}. */
  public void watchOpened() {
    watchStreams.incrementAndGet();
  }

  public void watchClosed() {
    watchStreams.decrementAndGet();
  }

  /** WatchVersions streams open now (each holds one heartbeat timer until it closes). */
  public int openWatchStreams() {
    return watchStreams.get();
  }

  private long count(NodeProgress.State state) {
    long n = 0;
    for (CommittedVersion v : newest()) {
      for (NodeProgress p : rollouts.nodes(v.manifest().model(), v.manifest().version())) {
        n += p.state() == state ? 1 : 0;
      }
    }
    return n;
  }

  private long bytes(boolean done) {
    long n = 0;
    for (CommittedVersion v : newest()) {
      for (NodeProgress p : rollouts.nodes(v.manifest().model(), v.manifest().version())) {
        n += done ? p.bytesDone() : p.bytesTotal();
      }
    }
    return n;
  }
}
