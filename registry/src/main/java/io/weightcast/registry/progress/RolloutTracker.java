package io.weightcast.registry.progress;

import io.weightcast.protocol.NodeProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest progress report of each node for each version, and each node's recent rate. Confined
 * to the registry verticle's context. Reports are last-writer-wins per (model, version, node).
 */
public final class RolloutTracker {
  private final Map<String, Map<String, NodeProgress>> byVersion = new HashMap<>();
  private final Map<String, RateWindow> rates = new HashMap<>();
  private final Map<String, Long> freeBytes = new HashMap<>();

  /** Records {@code progress}; answers the node's previous report for that version, or null. */
  public NodeProgress report(NodeProgress progress) {
    rates.computeIfAbsent(key(progress.model(), progress.version()) + "/" + progress.nodeId(),
        k -> new RateWindow()).add(progress.reportedAtMs(), progress.bytesDone());
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

  /** Every report of every version, sorted by node id, then model and version. */
  public List<NodeProgress> all() {
    List<NodeProgress> out = new ArrayList<>();
    byVersion.values().forEach(m -> out.addAll(m.values()));
    out.sort(Comparator.comparing(NodeProgress::nodeId).thenComparing(NodeProgress::model)
        .thenComparing(NodeProgress::version));
    return out;
  }

  /** The free disk bytes a node reported last; 0 (unknown) is not recorded. */
  public void freeBytes(String nodeId, long bytes) {
    if (bytes > 0) {
      freeBytes.put(nodeId, bytes);
    }
  }

  /** The node's last reported free disk bytes, or null when it never reported any. */
  public Long freeBytes(String nodeId) {
    return freeBytes.get(nodeId);
  }

  /** Bytes/s of a node on a version over its recent reports ({@link RateWindow}). */
  public double rate(NodeProgress p) {
    RateWindow w = rates.get(key(p.model(), p.version()) + "/" + p.nodeId());
    return w == null ? 0 : w.rate();
  }

  private static String key(String model, String version) {
    return model + "/" + version;
  }
}
