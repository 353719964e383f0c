package io.weightcast.protocol;

import java.util.Objects;

/**
 * One node's latest progress on one version, as reported by its agent. {@code bytesReused}: the
 * part of {@code bytesDone} copied from chunks the node already held instead of transferred.
 */
public record NodeProgress(String nodeId, String zone, String rack, String model, String version,
    State state, long chunksDone, long chunksTotal, long bytesDone, long bytesTotal,
    long bytesReused, String lastError, String serveUrl, boolean current, long reportedAtMs) {

  /** Lifecycle of a version on a node. */
  public enum State { QUEUED, FETCHING, VERIFYING, ACTIVE, FAILED, PAUSED }

  public NodeProgress {
    Objects.requireNonNull(nodeId, "nodeId");
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("nodeId must not be blank");
    }
    zone = zone == null ? "" : zone;
    rack = rack == null ? "" : rack;
    Names.requireModel(model);
    Names.requireVersion(version);
    Objects.requireNonNull(state, "state");
    if (chunksDone < 0 || chunksTotal < 0 || bytesDone < 0 || bytesTotal < 0
        || chunksDone > chunksTotal || bytesDone > bytesTotal || bytesReused < 0
        || bytesReused > bytesDone) {
      throw new IllegalArgumentException("progress counters out of range: chunks " + chunksDone
          + "/" + chunksTotal + ", bytes " + bytesDone + "/" + bytesTotal + ", reused "
          + bytesReused);
    }
    lastError = lastError == null ? "" : lastError;
    serveUrl = serveUrl == null ? "" : serveUrl;
  }

  /** The same report with another state and {@code current} flag, stamped at {@code atMs}. */
  public NodeProgress with(State newState, boolean isCurrent, long atMs) {
    return new NodeProgress(nodeId, zone, rack, model, version, newState, chunksDone, chunksTotal,
        bytesDone, bytesTotal, bytesReused, lastError, serveUrl, isCurrent, atMs);
  }
}
