package io.weightcast.distributor.routing;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.CrossingCap;
import java.util.HashMap;
import java.util.Map;

/**
 * Chunks crossing into each rack right now, for {@link TopologyTable}'s cap on concurrent
 * crossings: a crossing starts with its grant and ends when a node of the rack announces the
 * chunk, when the fetcher reports a failure, or after {@code leaseMs}. Why a cap: an uplink
 * shared by every chunk crossing at once delivers none of them until nearly all are done, so the
 * rack cannot start spreading copies inside; with at most {@code max} crossings each chunk lands
 * early and its rack-mates fetch it over in-rack links while the next ones cross
 * (time ~ model / uplink + one chunk's crossing, instead of ~ model / uplink + the in-rack
 * spreading after it). {@code max} = 0: no cap.
 *
 * <p>Under a cap, one crossing per node at a time: the rack's crossings land on different nodes.
 * Why: a node that brought several chunks in at once is then the only holder of each, and its
 * uploads to its rack-mates fill its link's outbound queue, where the acknowledgements of the
 * copies still crossing into it wait; in the fan-out benchmark the crossings that crawled
 * (2-3 Mbit/s behind a 20 Mbit/s uplink, for 15-20 s) went to or came from nodes with three or
 * four crossings in flight. Not thread-safe: the table's context owns it.
 */
final class RackCrossings {
  private final int max;
  private final long leaseMs;
  /** A crossing started (or renewed) at {@code at} by {@code node}. */
  private record InFlight(long at, String node) {}

  private final Map<String, Map<Digest, InFlight>> inFlight = new HashMap<>();

  /** {@code max}: the setting, {@link CrossingCap#AUTO}, 0 (no cap) or a fixed cap. */
  RackCrossings(int max, long leaseMs) {
    this.max = CrossingCap.check(max);
    this.leaseMs = leaseMs;
  }

  /**
   * True when {@code node} may start crossing {@code chunk} into {@code rackKey}, with
   * {@code liveNodes} live nodes, now: the rack is under its cap ({@link CrossingCap#forRack}) and
   * the node has no other crossing in flight (its own crossing of {@code chunk}, asked again, is
   * allowed).
   */
  boolean mayStart(String rackKey, int liveNodes, String node, Digest chunk, long now) {
    int cap = CrossingCap.forRack(max, liveNodes);
    if (cap == 0) {
      return true;
    }
    Map<Digest, InFlight> rack = inFlight.get(rackKey);
    if (rack == null) {
      return true;
    }
    rack.values().removeIf(f -> f.at() <= now - leaseMs);
    InFlight own = rack.get(chunk);
    if (own != null && own.node().equals(node)) {
      return true;
    }
    return rack.size() < cap && rack.values().stream().noneMatch(f -> f.node().equals(node));
  }

  void started(String rackKey, Digest chunk, String node, long now) {
    if (max != 0) {
      inFlight.computeIfAbsent(rackKey, k -> new HashMap<>()).put(chunk, new InFlight(now, node));
    }
  }

  /** The chunk's crossing into the rack, if unexpired, starts a new lease (its fetcher is alive). */
  void renew(String rackKey, Digest chunk, long now) {
    Map<Digest, InFlight> rack = inFlight.get(rackKey);
    if (rack != null) {
      rack.computeIfPresent(chunk,
          (d, f) -> f.at() > now - leaseMs ? new InFlight(now, f.node()) : f);
    }
  }

  /** The chunk landed in the rack, or its fetch failed. */
  void ended(String rackKey, Digest chunk) {
    Map<Digest, InFlight> rack = inFlight.get(rackKey);
    if (rack != null && rack.remove(chunk) != null && rack.isEmpty()) {
      inFlight.remove(rackKey);
    }
  }
}
