package io.weightcast.perf.sim;

import java.util.Arrays;

/**
 * The distributor's cap on chunks crossing into one rack at once, re-implemented for the
 * simulator (perf does not depend on the distributor module). Mirrors
 * {@code distributor/.../routing/RackCrossings} and {@code TopologyTable.capped}: a crossing
 * starts with its grant and ends when a host of the rack holds the chunk (the simulator announces
 * a chunk the moment it lands), or after {@code leaseS}; a rack may start another crossing while
 * fewer than the rack's cap are live. Each rack's cap is the distributor's for that setting and
 * the rack's hosts ({@link io.weightcast.protocol.topology.CrossingCap#forRack}: {@code auto}
 * (-1) = max(2, ceil(3n/4)), 0 = no cap, a fixed K; none in a rack of one; all simulated hosts are
 * live from t = 0). Failures (which also end a crossing) are not simulated. Not thread-safe;
 * confined to one simulation.
 */
final class CrossingCap {
  private final double leaseS;
  /**
   * Per rack, the chunks crossing into it ({@code -1}: free slot; as many slots as the rack's
   * cap) and when each started; null for a rack without a cap.
   */
  private final int[][] chunk;
  private final double[][] startedAt;

  CrossingCap(Fabric fabric, int configured, double leaseS) {
    this.leaseS = leaseS;
    int racks = fabric.racks();
    this.chunk = new int[racks][];
    this.startedAt = new double[racks][];
    int[] size = new int[racks];
    for (int h = 0; h < fabric.hosts(); h++) {
      size[fabric.rackOf(h)]++;
    }
    for (int r = 0; r < racks; r++) {
      int max = io.weightcast.protocol.topology.CrossingCap.forRack(configured, size[r]);
      if (max > 0) {
        chunk[r] = new int[max];
        Arrays.fill(chunk[r], -1);
        startedAt[r] = new double[max];
      }
    }
  }

  /** True when {@code rack} may start another crossing at {@code now}; drops expired ones. */
  boolean mayStart(int rack, double now) {
    if (chunk[rack] == null) {
      return true;
    }
    int live = 0;
    for (int i = 0; i < chunk[rack].length; i++) {
      if (chunk[rack][i] >= 0 && startedAt[rack][i] <= now - leaseS) {
        chunk[rack][i] = -1;
      }
      if (chunk[rack][i] >= 0) {
        live++;
      }
    }
    return live < chunk[rack].length;
  }

  /** A crossing of {@code c} into {@code rack} was granted at {@code now} (after mayStart). */
  void started(int rack, int c, double now) {
    if (chunk[rack] == null) {
      return;
    }
    int slot = -1;
    for (int i = 0; i < chunk[rack].length; i++) {
      if (chunk[rack][i] == c) {
        slot = i;
        break;
      }
      if (slot < 0 && chunk[rack][i] < 0) {
        slot = i;
      }
    }
    if (slot < 0) {
      throw new IllegalStateException("rack " + rack + ": crossing started over the cap");
    }
    chunk[rack][slot] = c;
    startedAt[rack][slot] = now;
  }

  /** A host of {@code rack} now holds {@code c}: its crossing, if any, has ended. */
  void ended(int rack, int c) {
    if (chunk[rack] == null) {
      return;
    }
    for (int i = 0; i < chunk[rack].length; i++) {
      if (chunk[rack][i] == c) {
        chunk[rack][i] = -1;
      }
    }
  }

  /** Live crossings into {@code rack} (for tests; uncapped racks report 0). */
  int live(int rack, double now) {
    if (chunk[rack] == null) {
      return 0;
    }
    int live = 0;
    for (int i = 0; i < chunk[rack].length; i++) {
      if (chunk[rack][i] >= 0 && startedAt[rack][i] > now - leaseS) {
        live++;
      }
    }
    return live;
  }
}
