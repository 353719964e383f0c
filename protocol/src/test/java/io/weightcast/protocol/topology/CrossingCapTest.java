package io.weightcast.protocol.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CrossingCapTest {
  @Test
  void autoGrowsWithTheRackAndNeverCapsANodeAlone() {
    assertEquals(0, CrossingCap.forRack(CrossingCap.AUTO, 1), "alone: no cap");
    assertEquals(2, CrossingCap.forRack(CrossingCap.AUTO, 2));
    assertEquals(3, CrossingCap.forRack(CrossingCap.AUTO, 4), "a rack of 4: 3 (benchmark 4)");
    assertEquals(4, CrossingCap.forRack(CrossingCap.AUTO, 5));
    assertEquals(150, CrossingCap.forRack(CrossingCap.AUTO, 200), "a rack of 200: 150");
  }

  @Test
  void aFixedCapHoldsOnlyWithRackMatesAndZeroMeansNone() {
    assertEquals(0, CrossingCap.forRack(3, 1));
    assertEquals(3, CrossingCap.forRack(3, 200));
    assertEquals(0, CrossingCap.forRack(0, 200));
    assertThrows(IllegalArgumentException.class, () -> CrossingCap.forRack(-2, 4));
  }

  @Test
  void parsesTheCliForm() {
    assertEquals(CrossingCap.AUTO, CrossingCap.parse("auto"));
    assertEquals(CrossingCap.AUTO, CrossingCap.parse(" AUTO "));
    assertEquals(0, CrossingCap.parse("0"));
    assertEquals(4, CrossingCap.parse("4"));
    assertThrows(IllegalArgumentException.class, () -> CrossingCap.parse("-1"));
    assertThrows(IllegalArgumentException.class, () -> CrossingCap.parse("many"));
  }
}
