package io.weightcast.protocol;

import java.util.Objects;

/**
 * One node's latest progress on one version, as reported by its agent. {@code bytesReused}: the
 * part of {@code bytesDone} copied from chunks the node already held instead of transferred;
 * {@code bytesFromPeers}: the part fetched from peer agents (the rest came from the origin).
 */
public record NodeProgress(String nodeId, String zone, String rack, String model, String version,
    State state, long chunksDone, long chunksTotal, long bytesDone, long bytesTotal,
    long bytesReused, String lastError, String serveUrl, boolean current, long reportedAtMs,
    long bytesFromPeers) {

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
        || bytesReused > bytesDone || bytesFromPeers < 0
        || bytesReused + bytesFromPeers > bytesDone) {
      throw new IllegalArgumentException("progress counters out of range: chunks " + chunksDone
          + "/" + chunksTotal + ", bytes " + bytesDone + "/" + bytesTotal + ", reused "
          + bytesReused + ", from peers " + bytesFromPeers);
    }
    lastError = lastError == null ? "" : lastError;
    serveUrl = serveUrl == null ? "" : serveUrl;
  }

  /** The same report with another state and {@code current} flag, stamped at {@code atMs}. */
  public NodeProgress with(State newState, boolean isCurrent, long atMs) {
    return new NodeProgress(nodeId, zone, rack, model, version, newState, chunksDone, chunksTotal,
        bytesDone, bytesTotal, bytesReused, lastError, serveUrl, isCurrent, atMs, bytesFromPeers);
  }

  /** A report that does not say where its bytes came from ({@code bytesFromPeers} 0). */
  public NodeProgress(String nodeId, String zone, String rack, String model, String version,
      State state, long chunksDone, long chunksTotal, long bytesDone, long bytesTotal,
      long bytesReused, String lastError, String serveUrl, boolean current, long reportedAtMs) {
    this(nodeId, zone, rack, model, version, state, chunksDone, chunksTotal, bytesDone,
        bytesTotal, bytesReused, lastError, serveUrl, current, reportedAtMs, 0);
  }

  /** Bytes fetched from the origin distributor: neither reused locally nor from a peer. */
  public long bytesFromOrigin() {
    return bytesDone - bytesReused - bytesFromPeers;
  }
}
