package io.weightcast.perf.sim;

import io.weightcast.perf.sim.RankedPolicy.Scope;

/**
 * "ours-pick": the distributor's pick, re-implemented for the simulator (perf does not depend on
 * the distributor module). Mirrors {@code FleetTopology.pick} over {@code TopologyTable}: of the
 * requester's candidates (its missing chunks, in its order), at most {@code want} are picked:
 * (1) in order, chunks that may cross into its rack now ({@link Scope#CROSSING}: per-chunk rack
 * and zone budgets, then the rack's {@link CrossingCap}), granted; (2) then, in order, chunks a
 * host of its rack holds ({@link Scope#IN_RACK}), nothing granted. Each answer comes from
 * {@link RankedPolicy}, i.e. the real {@code SourceRanker}; the requester takes the first source.
 * Candidates not picked get nothing.
 *
 * <p>Short cut that keeps the answer identical: once the rack's cap is full, every remaining
 * CROSSING answer is WAIT, so pass (1) stops there. Confined to one simulation.
 */
final class PickPolicy {
  private final Fabric fabric;
  private final RankedPolicy ranked;
  private final CrossingCap cap;

  PickPolicy(SimConfig c, Fabric fabric, HolderIndex holders) {
    this.fabric = fabric;
    this.cap = new CrossingCap(fabric, c.rackCrossings(), c.grantLeaseS());
    this.ranked = new RankedPolicy(c, fabric, holders, cap);
  }

  /**
   * Picks at most {@code want} of {@code candidates[0..n)} for {@code host} at {@code now}:
   * writes the picked positions (into {@code candidates}) to {@code pickedAt} and each one's
   * source (a host or {@link Fabric#ORIGIN}) to {@code sourceOf}, crossings first; returns how
   * many were picked.
   */
  int pick(int host, int[] candidates, int n, int want, double now, int[] pickedAt,
      int[] sourceOf) {
    int rack = fabric.rackOf(host);
    int got = 0;
    for (int i = 0; i < n && got < want && cap.mayStart(rack, now); i++) {
      int s = ranked.choose(host, candidates[i], now, Scope.CROSSING);
      if (s >= Fabric.ORIGIN) {
        pickedAt[got] = i;
        sourceOf[got++] = s;
      }
    }
    int crossings = got;
    for (int i = 0; i < n && got < want; i++) {
      if (!picked(pickedAt, crossings, i)) {
        int s = ranked.choose(host, candidates[i], now, Scope.IN_RACK);
        if (s >= Fabric.ORIGIN) {
          pickedAt[got] = i;
          sourceOf[got++] = s;
        }
      }
    }
    return got;
  }

  /** A host of {@code rack} now holds {@code chunk} (its announcement ends the crossing). */
  void landed(int rack, int chunk) {
    cap.ended(rack, chunk);
  }

  /** Live crossings into {@code rack} at {@code now} (for tests). */
  int crossings(int rack, double now) {
    return cap.live(rack, now);
  }

  private static boolean picked(int[] pickedAt, int n, int i) {
    for (int k = 0; k < n; k++) {
      if (pickedAt[k] == i) {
        return true;
      }
    }
    return false;
  }
}
