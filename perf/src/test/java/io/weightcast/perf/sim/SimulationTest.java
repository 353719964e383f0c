package io.weightcast.perf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final long MIB = 1L << 20;
  /** 8 MiB at 25 Gbit/s. */
  private static final double CHUNK_AT_NIC_S = 8.0 * MIB / (25e9 / 8);

  private static SimConfig tiny(int hosts, int racks, int zones, long modelBytes) {
    return SimConfig.fleet().with("hosts", "" + hosts).with("racks", "" + racks)
        .with("zones", "" + zones).with("model", "" + modelBytes).with("chunk", "" + 8 * MIB)
        .with("step-fraction", "0.001");
  }

  private static SimResult run(SimConfig c, String policy) {
    return new Simulation(c, policy).run();
  }

  @Test
  void oneHostOneChunkTakesChunkOverItsNarrowestLink() {
    for (String p : SimConfig.ALL_POLICIES) {
      SimResult r = run(tiny(1, 1, 1, 8 * MIB), p);
      assertEquals(CHUNK_AT_NIC_S, r.lastActiveS(), 1e-9, p);
      assertEquals(1.0, r.originOut(), 1e-9, p);
    }
  }

  @Test
  void oneHostIsOriginBoundWhenTheOriginIsTheNarrowestLink() {
    SimConfig c = tiny(1, 1, 1, 8 * MIB).with("origin-gbps", "10");
    assertEquals(8.0 * MIB / (10e9 / 8), run(c, "star").lastActiveS(), 1e-9);
  }

  @Test
  void oursCrossesTheRackUplinkOnceForTwoHostsInOneRack() {
    SimResult r = run(tiny(2, 1, 1, 8 * MIB), "ours");
    assertEquals(1.0, r.rackInMax(), 1e-9);
    assertEquals(1.0, r.originOut(), 1e-9);
    assertEquals(0.0, r.rackOutMax(), 1e-9);
    // The second host waits (re-asking every 100 ms) and then fetches from its rack peer.
    assertTrue(r.lastActiveS() >= 2 * CHUNK_AT_NIC_S, "" + r.lastActiveS());
  }

  @Test
  void oursWithWakeOnLandingServesTheRackPeerRightAfterTheFirstCopyLands() {
    SimResult r = run(tiny(2, 1, 1, 8 * MIB), "ours-wake");
    assertEquals(2 * CHUNK_AT_NIC_S, r.lastActiveS(), 1e-9);
    assertEquals(1.0, r.rackInMax(), 1e-9);
  }

  @Test
  void oursSendsEachChunkIntoEachZoneAndEachRackOnce() {
    SimResult r = run(tiny(64, 8, 2, 64 * MIB), "ours-wake");
    assertEquals(1.0, r.rackInMax(), 1e-9);
    assertEquals(1.0, r.rackInMean(), 1e-9);
    assertEquals(1.0, r.zoneInMax(), 1e-9);
    assertTrue(r.originOut() >= 1.0 && r.originOut() <= 2.0, "" + r.originOut());
  }

  @Test
  void starWithManyHostsIsOriginBound() {
    SimConfig c = tiny(40, 4, 2, 16 * MIB);
    SimResult r = run(c, "star");
    double bound = 40 * 16.0 * MIB / (100e9 / 8);
    assertEquals(bound, r.lastActiveS(), bound * 1e-6);
    assertEquals(40.0, r.originOut(), 1e-9);
    assertEquals(10.0, r.rackInMax(), 1e-9);
  }

  @Test
  void randomPeeringPullsMostCopiesAcrossRackUplinks() {
    SimResult r = run(tiny(64, 8, 2, 64 * MIB), "random");
    assertTrue(r.rackInMean() > 3.0, "" + r.rackInMean());
    assertTrue(run(tiny(64, 8, 2, 64 * MIB), "ours").rackInMean() < r.rackInMean());
  }

  @Test
  void sameSeedGivesTheSameRollout() {
    SimConfig c = tiny(32, 4, 2, 32 * MIB);
    for (String p : List.of("ours", "random")) {
      assertEquals(run(c, p).lastActiveS(), run(c, p).lastActiveS(), 0.0, p);
    }
  }
}
