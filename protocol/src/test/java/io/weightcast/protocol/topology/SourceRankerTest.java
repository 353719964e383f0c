package io.weightcast.protocol.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.topology.SourceRanker.Holder;
import io.weightcast.protocol.topology.SourceRanker.Ranking;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceRankerTest {
  private static final String ORIGIN = "http://origin";
  private final SourceRanker ranker = new SourceRanker(3, 1, 1);
  private final NodeLocation me = node("me", "z1", "r1");

  private static NodeLocation node(String id, String zone, String rack) {
    return new NodeLocation(id, zone, rack, "http://" + id);
  }

  private static Holder holder(String id, String zone, String rack, int load) {
    return new Holder(node(id, zone, rack), load);
  }

  @Test
  void firstCopyComesFromTheOriginAndGrantsARackAndZoneCrossing() {
    Ranking r = ranker.rank(me, List.of(), 0, 0, ORIGIN);
    assertEquals(List.of(ORIGIN), r.sources());
    assertTrue(r.crossesRack());
    assertTrue(r.crossesZone());
    assertEquals(3, r.tier());
  }

  @Test
  void aSameRackCopyWinsOverEverythingAndCrossesNothing() {
    Ranking r = ranker.rank(me, List.of(holder("far", "z2", "r1", 0),
        holder("zone", "z1", "r2", 0), holder("rack", "z1", "r1", 5)), 1, 1, ORIGIN);
    assertEquals(List.of("http://rack"), r.sources());
    assertFalse(r.crossesRack());
    assertEquals(0, r.tier());
  }

  @Test
  void sameRackNameInAnotherZoneIsAnotherRack() {
    Ranking r = ranker.rank(me, List.of(holder("twin", "z2", "r1", 0)), 0, 0, ORIGIN);
    assertEquals(List.of(ORIGIN, "http://twin"), r.sources());
    assertTrue(r.crossesZone());
  }

  @Test
  void aSameZoneCopyIsPreferredToTheOriginAndGrantsOnlyARackCrossing() {
    Ranking r = ranker.rank(me, List.of(holder("zone", "z1", "r2", 0)), 0, 1, ORIGIN);
    assertEquals(List.of("http://zone"), r.sources());
    assertTrue(r.crossesRack());
    assertFalse(r.crossesZone());
  }

  @Test
  void waitsWhileACopyIsAlreadyOnItsWayIntoTheRack() {
    Ranking r = ranker.rank(me, List.of(holder("zone", "z1", "r2", 0)), 1, 0, ORIGIN);
    assertTrue(r.waitForRackCopy());
    assertEquals(List.of(), r.sources());
  }

  @Test
  void waitsWhileACopyIsAlreadyOnItsWayIntoTheZone() {
    Ranking r = ranker.rank(me, List.of(holder("far", "z2", "r9", 0)), 0, 1, ORIGIN);
    assertTrue(r.waitForRackCopy());
  }

  @Test
  void lessLoadedHoldersComeFirstAndTheListIsBounded() {
    Ranking r = ranker.rank(me, List.of(holder("a", "z1", "r1", 3), holder("b", "z1", "r1", 1),
        holder("c", "z1", "r1", 2), holder("d", "z1", "r1", 0)), 0, 0, ORIGIN);
    assertEquals(List.of("http://d", "http://b", "http://c"), r.sources());
  }

  @Test
  void theOriginComesBeforeOtherZonesWhoseCopiesAreFallbacksWithinTheBound() {
    Ranking r = ranker.rank(me, List.of(holder("w", "z3", "r2", 2), holder("y", "z3", "r1", 1),
        holder("x", "z2", "r1", 0)), 0, 0, ORIGIN);
    assertEquals(List.of(ORIGIN, "http://x", "http://y"), r.sources());
    assertEquals(3, r.tier());
  }
}
