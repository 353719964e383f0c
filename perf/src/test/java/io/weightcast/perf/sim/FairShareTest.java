package io.weightcast.perf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FairShareTest {
  private static final double GBPS25 = 25e9 / 8;

  /** Two hosts in one rack, one zone; link capacities as in the fleet defaults. */
  private final SimConfig config = SimConfig.fleet().with("hosts", "3").with("racks", "3")
      .with("zones", "1").with("origin-gbps", "25").checked();
  private final Fabric fabric = new Fabric(config);

  private double[] rates(int rounds, int[][] transfers) {
    int n = transfers.length;
    int[] active = new int[n];
    int[] links = new int[n * Fabric.MAX_PATH];
    byte[] len = new byte[n];
    for (int f = 0; f < n; f++) {
      active[f] = f;
      len[f] = (byte) fabric.path(transfers[f][0], transfers[f][1], links, f * Fabric.MAX_PATH);
    }
    double[] rate = new double[n];
    new FairShare(fabric, rounds).assign(active, n, links, len, rate);
    return rate;
  }

  @Test
  void transfersSharingOneNicSplitItEqually() {
    double[] r = rates(4, new int[][] {{0, 1}, {0, 2}});
    assertEquals(GBPS25 / 2, r[0], 1e-3);
    assertEquals(GBPS25 / 2, r[1], 1e-3);
  }

  @Test
  void aTransferLimitedElsewhereLeavesItsShareToTheOthers() {
    // Host 1 receives from host 0 and from the origin; host 2 also receives from host 0. The
    // origin (25 Gbit/s) is shared by nothing else, host 0's NIC by two transfers, host 1's NIC
    // by two: max-min gives every transfer 12.5 Gbit/s. Add a second origin transfer to host 2:
    // origin 2 x 12.5, host 2's NIC 2 x 12.5, host 0 2 x 12.5 -- still 12.5 each.
    double[] r = rates(4, new int[][] {{0, 1}, {Fabric.ORIGIN, 1}, {0, 2}, {Fabric.ORIGIN, 2}});
    for (double x : r) {
      assertEquals(GBPS25 / 2, x, 1e-3);
    }
  }

  @Test
  void leftoverCapacityGoesToTheUnconstrainedTransfer() {
    // Host 0 sends to hosts 1 and 2; host 1 also receives from the origin and from host 2.
    // Host 1's NIC: 3 transfers -> 25/3 each; host 0's NIC then has 25 - 25/3 left for 0->2.
    double[] r = rates(4, new int[][] {{0, 1}, {Fabric.ORIGIN, 1}, {2, 1}, {0, 2}});
    assertEquals(GBPS25 / 3, r[0], 1e-3);
    assertEquals(GBPS25 / 3, r[1], 1e-3);
    assertEquals(GBPS25 / 3, r[2], 1e-3);
    assertEquals(GBPS25 * 2 / 3, r[3], 1e-3);
  }

  @Test
  void oneRoundIsEqualShareOfTheBottleneck() {
    double[] r = rates(1, new int[][] {{0, 1}, {Fabric.ORIGIN, 1}, {2, 1}, {0, 2}});
    assertEquals(GBPS25 / 3, r[0], 1e-3);
    assertEquals(GBPS25 / 2, r[3], 1e-3);
  }
}
