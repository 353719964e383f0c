package io.weightcast.perf.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** "ours-pick": the pick and the rack crossing cap, alone and in whole simulated rollouts. */
class PickPolicyTest {
  private static final long MIB = 1L << 20;
  private static final int ORIGIN = Fabric.ORIGIN;

  /** {@code hosts} hosts in {@code racks} racks of one zone, {@code chunks} chunks of 8 MiB. */
  private static SimConfig fleet(int hosts, int racks, int chunks, int cap) {
    return SimConfig.fleet().with("hosts", "" + hosts).with("racks", "" + racks)
        .with("zones", "1").with("model", "" + chunks * 8 * MIB).with("chunk", "" + 8 * MIB)
        .with("rack-crossings", "" + cap).checked();
  }

  /** One pick: the chunks picked (crossings first, as the pick orders them) and their sources. */
  private record Picked(int[] chunks, int[] sources) {}

  private static Picked pick(PickPolicy p, int host, int want, int... candidates) {
    int[] at = new int[want];
    int[] src = new int[want];
    int n = p.pick(host, candidates, candidates.length, want, 0.0, at, src);
    int[] chunks = new int[n];
    for (int i = 0; i < n; i++) {
      chunks[i] = candidates[at[i]];
    }
    return new Picked(chunks, Arrays.copyOf(src, n));
  }

  @Test
  void aPickTakesCrossingsUpToTheCapThenCopiesAlreadyInTheRack() {
    // Hosts 0 and 1 share rack 0; host 1 holds chunks 3 and 4 (x1, x2); 0, 1, 2 are nowhere yet.
    SimConfig c = fleet(4, 2, 5, 2);
    Fabric fabric = new Fabric(c);
    HolderIndex holders = new HolderIndex(fabric, c.chunks());
    holders.add(1, 3);
    holders.add(1, 4);
    PickPolicy p = new PickPolicy(c, fabric, holders);

    Picked first = pick(p, 0, 4, 0, 3, 1, 2, 4);
    assertArrayEquals(new int[] {0, 1, 3, 4}, first.chunks(),
        "two crossings (the cap), then what a rack-mate holds, each in the requester's order");
    assertArrayEquals(new int[] {ORIGIN, ORIGIN, 1, 1}, first.sources());
    assertEquals(2, p.crossings(0, 0.0));

    assertEquals(0, pick(p, 0, 1, 2).chunks().length, "the cap is spent");
    assertEquals(0, pick(p, 1, 2, 0, 1).chunks().length,
        "0 and 1 are crossing into the rack: host 1 waits for them, nothing is granted");

    holders.add(0, 0);
    p.landed(0, 0);
    Picked after = pick(p, 1, 2, 0, 2);
    assertArrayEquals(new int[] {2, 0}, after.chunks(), "0 landed: a slot for 2, 0 from host 0");
    assertArrayEquals(new int[] {ORIGIN, 0}, after.sources());
  }

  @Test
  void aHostAloneInItsRackIsNotCapped() {
    SimConfig c = fleet(2, 2, 5, 1);
    Fabric fabric = new Fabric(c);
    PickPolicy p = new PickPolicy(c, fabric, new HolderIndex(fabric, c.chunks()));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, pick(p, 0, 5, 0, 1, 2, 3, 4).chunks());
  }

  @Test
  void eachChunkCrossesIntoARackOnceWhileItsCopyIsOnItsWay() {
    SimConfig c = fleet(4, 2, 5, 0);
    Fabric fabric = new Fabric(c);
    PickPolicy p = new PickPolicy(c, fabric, new HolderIndex(fabric, c.chunks()));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, pick(p, 0, 5, 0, 1, 2, 3, 4).chunks(),
        "no cap: every chunk may cross");
    assertEquals(0, pick(p, 1, 5, 0, 1, 2, 3, 4).chunks().length,
        "the rack budget (1) of each chunk is spent");
    assertEquals(0, pick(p, 2, 2, 0, 1).chunks().length,
        "the zone's budget (1) too: rack 1, in the same zone, waits for a copy in the zone");
    HolderIndex landed = new HolderIndex(fabric, c.chunks());
    landed.add(0, 0);
    PickPolicy later = new PickPolicy(c, fabric, landed);
    Picked fromZone = pick(later, 2, 1, 0);
    assertArrayEquals(new int[] {0}, fromZone.chunks());
    assertArrayEquals(new int[] {0}, fromZone.sources(), "it crosses from the zone's holder");
  }

  private static SimConfig oversubscribed(int cap) {
    return oversubscribed("" + cap);
  }

  private static SimConfig oversubscribed(String cap) {
    // 16 hosts a rack at 25 Gbit/s behind a 50 Gbit/s uplink: 8:1.
    return SimConfig.fleet().with("hosts", "64").with("racks", "4").with("zones", "2")
        .with("model", "" + 64 * MIB).with("chunk", "" + 8 * MIB).with("rack-gbps", "50")
        .with("zone-gbps", "100").with("in-flight", "4").with("step-fraction", "0.001")
        .with("rack-crossings", cap).checked();
  }

  @Test
  void atMostTheCapOfChunksCrossIntoARackAtOnceAndEachOnce() {
    for (int cap : new int[] {1, 2, 4}) {
      SimResult r = new Simulation(oversubscribed(cap), "ours-pick").run();
      assertTrue(r.peakRackCrossings() <= cap, cap + ": " + r.peakRackCrossings());
      assertEquals(1.0, r.rackInMax(), 1e-9, "cap " + cap);
      assertEquals(1.0, r.rackInMean(), 1e-9, "cap " + cap);
      assertEquals(1.0, r.zoneInMax(), 1e-9, "cap " + cap);
    }
    SimResult uncapped = new Simulation(oversubscribed(0), "ours-pick").run();
    assertTrue(uncapped.peakRackCrossings() > 4, "" + uncapped.peakRackCrossings());
    assertEquals(1.0, uncapped.rackInMax(), 1e-9);
  }

  @Test
  void autoCapsEachRackAsTheDistributorDoesFromItsHosts() {
    SimConfig auto = oversubscribed("auto");
    assertEquals(io.weightcast.protocol.topology.CrossingCap.AUTO, auto.rackCrossings());
    assertEquals(auto.rackCrossings(), SimConfig.fleet().rackCrossings(),
        "the simulator's default is the distributor's");
    SimResult r = new Simulation(auto, "ours-pick").run();
    // Racks of 16: max(2, ceil(3 x 16 / 4)) = 12.
    assertTrue(r.peakRackCrossings() <= 12 && r.peakRackCrossings() > 4,
        "peak " + r.peakRackCrossings());
    assertEquals(1.0, r.rackInMax(), 1e-9);
  }

  @Test
  void onASmallOversubscribedFleetPickingIsNoSlowerThanOneChunkPerSlot() {
    SimConfig c = oversubscribed(4);
    SimResult pick = new Simulation(c, "ours-pick").run();
    SimResult perSlot = new Simulation(c, "ours").run();
    assertTrue(pick.lastActiveS() <= perSlot.lastActiveS(),
        pick.lastActiveS() + " > " + perSlot.lastActiveS());
  }

  @Test
  void sameSeedGivesTheSameRollout() {
    SimConfig c = oversubscribed(2);
    assertEquals(new Simulation(c, "ours-pick").run().lastActiveS(),
        new Simulation(c, "ours-pick").run().lastActiveS(), 0.0);
  }
}
