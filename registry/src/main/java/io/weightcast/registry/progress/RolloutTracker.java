package io.weightcast.registry.progress;

import io.weightcast.protocol.NodeProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest progress report of each node for each version. Confined to the registry verticle's
 * context. Reports are last-writer-wins per (model, version, node).
 */
public final class RolloutTracker {
  /** Totals over the nodes of one rollout. */
  public record Totals(int nodes, int active, int failed, long bytesDone, long bytesTotal) {}

  private final Map<String, Map<String, NodeProgress>> byVersion = new HashMap<>();

  /** Records {@code progress}; answers the node's previous report for that version, or null. */
  public NodeProgress report(NodeProgress progress) {
    return byVersion.computeIfAbsent(key(progress.model(), progress.version()), k -> new HashMap<>())
        .put(progress.nodeId(), progress);
  }

  /** Reports for one version, sorted by node id. */
  public List<NodeProgress> nodes(String model, String version) {
    List<NodeProgress> out = new ArrayList<>(
        byVersion.getOrDefault(key(model, version), Map.of()).values());
    out.sort(Comparator.comparing(NodeProgress::nodeId));
    return out;
  }

  public Totals totals(String model, String version) {
    int active = 0;
    int failed = 0;
    long done = 0;
    long total = 0;
    List<NodeProgress> nodes = nodes(model, version);
    for (NodeProgress n : nodes) {
      active += n.state() == NodeProgress.State.ACTIVE ? 1 : 0;
      failed += n.state() == NodeProgress.State.FAILED ? 1 : 0;
      done += n.bytesDone();
      total += n.bytesTotal();
    }
    return new Totals(nodes.size(), active, failed, done, total);
  }

  private static String key(String model, String version) {
    return model + "/" + version;
  }
}
