package io.weightcast.distributor.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.topology.SourceRanker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTableTest {
  private static final String ORIGIN = "http://origin";
  private final long[] now = {1_000};
  private final TopologyTable table = new TopologyTable(new SourceRanker(3, 1, 1),
      () -> now[0], 10_000, 30_000, 3);
  private final Digest chunk = Digest.sha256(new byte[] {1});
  private final NodeLocation a = new NodeLocation("a", "z1", "r1", "http://a");
  private final NodeLocation b = new NodeLocation("b", "z1", "r1", "http://b");
  private final NodeLocation c = new NodeLocation("c", "z1", "r2", "http://c");

  /** A table like {@link #table} with the rack crossing cap {@code rackCrossings}. */
  private TopologyTable capped(int rackCrossings) {
    return new TopologyTable(new SourceRanker(3, 1, 1), () -> now[0], 10_000, 30_000, 3,
        rackCrossings);
  }

  @Test
  void secondNodeInARackWaitsForTheFirstCopyThenFetchesItFromThePeer() {
    assertEquals(List.of(ORIGIN), table.sources(a, chunk, ORIGIN).sources());
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy());
    table.announce(a, List.of(chunk), Map.of(chunk, ORIGIN));
    assertEquals(List.of("http://a"), table.sources(b, chunk, ORIGIN).sources());
    assertEquals("origin", table.transfers().get(0).fromRack());
  }

  @Test
  void aGrantExpiresSoADeadFetcherDoesNotBlockItsRackForever() {
    table.sources(a, chunk, ORIGIN);
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy());
    now[0] += 10_001;
    assertFalse(table.sources(b, chunk, ORIGIN).waitForCopy());
  }

  @Test
  void aRenewedCrossingKeepsItsGrantAndItsPlaceUnderTheCapPastTheLease() {
    TopologyTable capped = capped(1);
    capped.announce(a, List.of(), Map.of());
    capped.announce(b, List.of(), Map.of());
    Digest other = Digest.sha256(new byte[] {2});
    assertFalse(capped.sources(a, chunk, ORIGIN).waitForCopy());
    now[0] += 6_000;
    capped.renewCrossings(b, List.of(chunk));
    capped.renewCrossings(a, List.of(chunk));
    now[0] += 6_000;
    capped.announce(a, List.of(), Map.of());
    capped.announce(b, List.of(), Map.of());
    assertTrue(capped.sources(b, chunk, ORIGIN).waitForCopy(), "a renewed its crossing");
    assertTrue(capped.sources(b, other, ORIGIN).waitForCopy(), "and its slot under the cap");
    now[0] += 10_001;
    capped.renewCrossings(a, List.of(chunk));
    capped.announce(b, List.of(), Map.of());
    assertFalse(capped.sources(b, chunk, ORIGIN).waitForCopy(),
        "a grant whose lease ran out is not revived by a late renewal");
  }

  @Test
  void aFailureReportedGoingOnToTheNextSourceKeepsTheCrossingGrant() {
    table.sources(a, chunk, ORIGIN);
    table.reportFailure(a, "http://c", chunk, ORIGIN, true);
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy(), "a's crossing goes on");
    table.reportFailure(a, ORIGIN, chunk, ORIGIN, false);
    assertFalse(table.sources(b, chunk, ORIGIN).waitForCopy(), "a gave up: released");
  }

  @Test
  void aNodeAskingAgainForAChunkItWasGrantedDoesNotWaitForItself() {
    assertEquals(List.of(ORIGIN), table.sources(a, chunk, ORIGIN).sources());
    assertEquals(List.of(ORIGIN), table.sources(a, chunk, ORIGIN).sources(),
        "its own grant, renewed");
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy(), "still one crossing for r1");
    table.reportFailure(a, ORIGIN, chunk, ORIGIN);
    assertFalse(table.sources(b, chunk, ORIGIN).waitForCopy(), "a held one grant, released");
  }

  @Test
  void aFailedCrossingReleasesItsGrantAtOnce() {
    table.sources(a, chunk, ORIGIN);
    table.reportFailure(a, ORIGIN, chunk, ORIGIN);
    assertEquals(List.of(ORIGIN), table.sources(b, chunk, ORIGIN).sources());
  }

  @Test
  void aPeerThatFailsRepeatedlyIsQuarantinedAndSkipped() {
    table.announce(a, List.of(chunk), Map.of());
    for (int i = 0; i < 3; i++) {
      table.reportFailure(b, "http://a", chunk, ORIGIN);
    }
    assertTrue(table.quarantined("http://a", now[0]));
    assertEquals(List.of(ORIGIN), table.sources(b, chunk, ORIGIN).sources());
    now[0] += 30_001;
    table.announce(a, List.of(), Map.of());
    assertEquals(List.of("http://a"), table.sources(b, chunk, ORIGIN).sources());
  }

  @Test
  void aNodeThatRestartsEmptyIsNoLongerOfferedForWhatItHeld() {
    table.announce(a, List.of(chunk), Map.of());
    table.announce(a, List.of(), Map.of(), true);
    assertEquals(List.of(ORIGIN), table.sources(b, chunk, ORIGIN).sources());
  }

  /** Found by AgentCrashTest: a node killed mid-fetch waited 10 s after its restart. */
  @Test
  void aNodeThatRestartsDropsTheCrossingsGrantedToItsPreviousLife() {
    assertEquals(List.of(ORIGIN), table.sources(a, chunk, ORIGIN).sources());
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy(), "a's crossing holds r1's budget");
    table.announce(a, List.of(), Map.of(), true);
    assertEquals(List.of(ORIGIN), table.sources(a, chunk, ORIGIN).sources());
  }

  @Test
  void aSilentNodeIsNoLongerOffered() {
    table.announce(a, List.of(chunk), Map.of());
    now[0] += TopologyTable.NODE_TTL_MS + 1;
    assertEquals(List.of(ORIGIN), table.sources(b, chunk, ORIGIN).sources());
  }

  @Test
  void transferLogNamesTheSourceRack() {
    table.announce(a, List.of(chunk), Map.of(chunk, ORIGIN));
    table.announce(c, List.of(chunk), Map.of(chunk, "http://a"));
    TopologyTable.Transfer t = table.transfers().get(1);
    assertEquals("z1/r1", t.fromRack());
    assertEquals("z1/r2", t.toRack());
  }

  @Test
  void atMostTheCapOfChunksCrossIntoARackAtOnce() {
    TopologyTable capped = capped(2);
    capped.announce(a, List.of(), Map.of());
    capped.announce(b, List.of(), Map.of());
    Digest c1 = Digest.sha256(new byte[] {11});
    Digest c2 = Digest.sha256(new byte[] {12});
    Digest c3 = Digest.sha256(new byte[] {13});
    assertFalse(capped.sources(a, c1, ORIGIN).waitForCopy());
    assertFalse(capped.sources(b, c2, ORIGIN).waitForCopy());
    assertTrue(capped.sources(a, c3, ORIGIN).waitForCopy(), "a third crossing waits");
    assertFalse(capped.sources(c, c3, ORIGIN).waitForCopy(), "another rack has its own cap");
    capped.announce(a, List.of(c1), Map.of(c1, ORIGIN));
    Digest c4 = Digest.sha256(new byte[] {14});
    assertFalse(capped.sources(b, c4, ORIGIN).waitForCopy(), "c1 landed: its slot is free");
    Digest c5 = Digest.sha256(new byte[] {15});
    assertTrue(capped.sources(a, c5, ORIGIN).waitForCopy(), "c2 and c4 are crossing");
    capped.reportFailure(b, ORIGIN, c2, ORIGIN);
    assertFalse(capped.sources(a, c5, ORIGIN).waitForCopy(), "a failed crossing frees its slot");
  }

  @Test
  void aNodeAloneInItsRackIsNotCappedItHasNobodyToSpreadTo() {
    TopologyTable capped = capped(1);
    capped.announce(c, List.of(), Map.of());
    for (byte i = 20; i < 25; i++) {
      assertFalse(capped.sources(c, Digest.sha256(new byte[] {i}), ORIGIN).waitForCopy());
    }
    capped.announce(new NodeLocation("d", "z1", "r2", "http://d"), List.of(), Map.of());
    assertTrue(capped.sources(c, Digest.sha256(new byte[] {30}), ORIGIN).waitForCopy(),
        "with a rack-mate the cap holds (the five crossings above are still in flight)");
    now[0] += TopologyTable.NODE_TTL_MS + 1;
    capped.announce(c, List.of(), Map.of());
    assertFalse(capped.sources(c, Digest.sha256(new byte[] {31}), ORIGIN).waitForCopy());
    assertFalse(capped.sources(c, Digest.sha256(new byte[] {32}), ORIGIN).waitForCopy(),
        "a rack-mate that went silent no longer counts: a second crossing at once is allowed");
  }

  @Test
  void aPickTakesCrossingsUpToTheCapThenCopiesAlreadyInTheRack() {
    TopologyTable capped = capped(2);
    Digest c1 = Digest.sha256(new byte[] {41});
    Digest c2 = Digest.sha256(new byte[] {42});
    Digest c3 = Digest.sha256(new byte[] {43});
    Digest x1 = Digest.sha256(new byte[] {44});
    Digest x2 = Digest.sha256(new byte[] {45});
    capped.announce(a, List.of(), Map.of());
    capped.announce(b, List.of(x1, x2), Map.of());
    Map<Digest, FleetTopology.Answer> picked = capped.pick(a, List.of(c1, x1, c2, c3, x2), 4, ORIGIN);
    assertEquals(List.of(c1, c2, x1, x2), List.copyOf(picked.keySet()),
        "two crossings (the cap), then what a rack-mate holds");
    assertEquals(List.of(ORIGIN), picked.get(c1).sources());
    assertTrue(picked.get(c1).crossesRack());
    assertEquals(List.of("http://b"), picked.get(x1).sources());
    assertFalse(picked.get(x1).crossesRack());
    assertEquals(Map.of(), capped.pick(a, List.of(c3), 1, ORIGIN), "the cap is spent");
    assertEquals(Map.of(), capped.pick(b, List.of(c1, c2), 2, ORIGIN),
        "c1 and c2 are crossing into the rack: b waits for them, nothing is granted");
    capped.announce(a, List.of(c1), Map.of(c1, ORIGIN));
    assertEquals(Map.of(c3, new FleetTopology.Answer(List.of(ORIGIN), false, true),
        c1, new FleetTopology.Answer(List.of("http://a"), false, false)),
        capped.pick(b, List.of(c1, c3), 2, ORIGIN), "c1 landed: a slot for c3, c1 from a");
  }

  @Test
  void theAutoCapGrowsWithTheRacksLiveNodes() {
    TopologyTable auto = capped(io.weightcast.protocol.topology.CrossingCap.AUTO);
    java.util.List<NodeLocation> rack = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      NodeLocation n = new NodeLocation("n" + i, "z5", "r5", "http://n" + i);
      rack.add(n);
      auto.announce(n, List.of(), Map.of());
    }
    int granted = 0;
    for (byte i = 50; i < 60; i++) {
      granted += auto.sources(rack.get(i % 6), Digest.sha256(new byte[] {i}), ORIGIN)
          .waitForCopy() ? 0 : 1;
    }
    assertEquals(5, granted, "six live nodes: max(2, ceil(3 x 6 / 4)) = 5 crossings at once");
  }

  @Test
  void aFailureReportedByANodeWithoutTheGrantDoesNotReleaseARackMatesCrossing() {
    table.sources(a, chunk, ORIGIN);
    table.reportFailure(b, "http://x", chunk, ORIGIN);
    assertTrue(table.sources(b, chunk, ORIGIN).waitForCopy(),
        "a's crossing is still on its way: b waits for it");
  }
}
