package io.weightcast.distributor.routing;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.CrossingCap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Chunks crossing into each rack right now, for {@link TopologyTable}'s cap on concurrent
 * crossings: a crossing starts with its grant and ends when a node of the rack announces the
 * chunk, when the fetcher reports a failure, or after {@code leaseMs}. Why a cap: an uplink
 * shared by every chunk crossing at once delivers none of them until nearly all are done, so the
 * rack cannot start spreading copies inside; with at most {@code max} crossings each chunk lands
 * early and its rack-mates fetch it over in-rack links while the next ones cross
 * (time ~ model / uplink + one chunk's crossing, instead of ~ model / uplink + the in-rack
 * spreading after it). {@code max} = 0: no cap. Not thread-safe: the table's context owns it.
 */
final class RackCrossings {
  private final int max;
  private final long leaseMs;
  private final Map<String, Map<Digest, Long>> inFlight = new HashMap<>();

  /** {@code max}: the setting, {@link CrossingCap#AUTO}, 0 (no cap) or a fixed cap. */
  RackCrossings(int max, long leaseMs) {
    this.max = CrossingCap.check(max);
    this.leaseMs = leaseMs;
  }

  /**
   * True when {@code rackKey}, with {@code liveNodes} live nodes, may start another crossing now
   * (its cap: {@link CrossingCap#forRack}).
   */
  boolean mayStart(String rackKey, int liveNodes, long now) {
    int cap = CrossingCap.forRack(max, liveNodes);
    if (cap == 0) {
      return true;
    }
    Map<Digest, Long> rack = inFlight.get(rackKey);
    if (rack == null) {
      return true;
    }
    for (Iterator<Long> it = rack.values().iterator(); it.hasNext(); ) {
      if (it.next() <= now - leaseMs) {
        it.remove();
      }
    }
    return rack.size() < cap;
  }

  void started(String rackKey, Digest chunk, long now) {
    if (max != 0) {
      inFlight.computeIfAbsent(rackKey, k -> new HashMap<>()).put(chunk, now);
    }
  }

  /** The chunk's crossing into the rack, if unexpired, starts a new lease (its fetcher is alive). */
  void renew(String rackKey, Digest chunk, long now) {
    Map<Digest, Long> rack = inFlight.get(rackKey);
    if (rack != null) {
      rack.computeIfPresent(chunk, (d, at) -> at > now - leaseMs ? now : at);
    }
  }

  /** The chunk landed in the rack, or its fetch failed. */
  void ended(String rackKey, Digest chunk) {
    Map<Digest, Long> rack = inFlight.get(rackKey);
    if (rack != null && rack.remove(chunk) != null && rack.isEmpty()) {
      inFlight.remove(rackKey);
    }
  }
}
