package io.weightcast.registry.progress;

import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * One rollout at a glance, computed from the nodes' latest reports (pure). ETA = remaining bytes /
 * rate, empty when the rate is 0; the overall rate is the sum of the nodes' rates. State: paused
 * when an operator paused it; complete when every reporting node is ACTIVE; failed when some node
 * failed and none is still working; rolling otherwise. {@code bytesReused} (part of
 * {@code bytesDone}) counts bytes the nodes copied from chunks they already held,
 * {@code bytesFromPeers} bytes fetched from peer agents; the rest came from the origin (source mix). Stragglers: up to {@link #STRAGGLERS} nodes
 * not yet active, least done first (then slowest); errors: every node with a last error.
 */
public record RolloutSummary(String model, String version, String state, int nodes, int active,
    int failed, long bytesDone, long bytesTotal, long bytesReused, long bytesFromPeers, double rate, Double etaSeconds,
    Map<String, Map<String, List<Node>>> zones, List<Node> stragglers, List<Node> errors) {
  public static final int STRAGGLERS = 5;

  /** One node's line: its report plus its rate and ETA. */
  public record Node(NodeProgress progress, double rate, Double etaSeconds) {
    double fraction() {
      long total = progress.bytesTotal();
      return total == 0 ? 1.0 : (double) progress.bytesDone() / total;
    }
  }

  public static RolloutSummary of(String model, String version, List<NodeProgress> reports,
      ToDoubleFunction<NodeProgress> rateOf, boolean paused) {
    List<Node> nodes = new ArrayList<>();
    int active = 0;
    int failed = 0;
    int working = 0;
    long done = 0;
    long total = 0;
    long reused = 0;
    long fromPeers = 0;
    double rate = 0;
    for (NodeProgress p : reports) {
      double r = p.state() == State.ACTIVE ? 0 : rateOf.applyAsDouble(p);
      nodes.add(new Node(p, r, eta(p.bytesTotal() - p.bytesDone(), r)));
      active += p.state() == State.ACTIVE ? 1 : 0;
      failed += p.state() == State.FAILED ? 1 : 0;
      working += p.state() == State.ACTIVE || p.state() == State.FAILED ? 0 : 1;
      done += p.bytesDone();
      total += p.bytesTotal();
      reused += p.bytesReused();
      fromPeers += p.bytesFromPeers();
      rate += r;
    }
    String state = paused ? "paused"
        : !nodes.isEmpty() && active == nodes.size() ? "complete"
        : failed > 0 && working == 0 ? "failed" : "rolling";
    Map<String, Map<String, List<Node>>> zones = new TreeMap<>();
    for (Node n : nodes) {
      zones.computeIfAbsent(n.progress().zone(), z -> new TreeMap<>())
          .computeIfAbsent(n.progress().rack(), r -> new ArrayList<>()).add(n);
    }
    List<Node> stragglers = nodes.stream().filter(n -> n.progress().state() != State.ACTIVE)
        .sorted(Comparator.comparingDouble(Node::fraction).thenComparingDouble(Node::rate))
        .limit(STRAGGLERS).toList();
    List<Node> errors = nodes.stream().filter(n -> !n.progress().lastError().isEmpty()
        || n.progress().state() == State.FAILED).toList();
    return new RolloutSummary(model, version, state, nodes.size(), active, failed, done, total,
        reused, fromPeers, rate, eta(total - done, rate), zones, stragglers, errors);
  }

  private static Double eta(long remaining, double rate) {
    if (remaining <= 0) {
      return 0.0;
    }
    return rate <= 0 ? null : remaining / rate;
  }
}
