package io.weightcast.perf.sim;

import java.util.SplittableRandom;

/** Where a host fetches one chunk from, in the simulation. Confined to one simulation. */
public interface SourcePolicy {
  /** Wait: a copy is on its way into the requester's rack. */
  int WAIT_RACK = -2;
  /** Wait: a copy is on its way into the requester's zone. */
  int WAIT_ZONE = -3;

  /** A holder's host index, {@link Fabric#ORIGIN}, {@link #WAIT_RACK} or {@link #WAIT_ZONE}. */
  int choose(int host, int chunk, double now);

  /** Every host fetches every chunk from the origin. */
  static SourcePolicy star() {
    return (host, chunk, now) -> Fabric.ORIGIN;
  }

  /**
   * Rack-unaware random peering (Kraken's default handout, reduced to one source per chunk): a
   * holder of the chunk drawn uniformly from all holders in the fleet, else the origin.
   */
  static SourcePolicy random(HolderIndex holders, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    return (host, chunk, now) -> {
      HolderIndex.Hosts all = holders.all(chunk);
      return all.size() == 0 ? Fabric.ORIGIN : all.get(rnd.nextInt(all.size()));
    };
  }
}
