package io.weightcast.distributor.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void closedRangeIsInclusiveAndClampedToTheFrame() {
    assertEquals(Optional.of(new ByteRange(10, 11, 100)), ByteRange.parse("bytes=10-20", 100));
    assertEquals(Optional.of(new ByteRange(90, 10, 100)), ByteRange.parse("bytes=90-500", 100));
  }

  @Test
  void openRangeRunsToTheEnd() {
    ByteRange r = ByteRange.parse("bytes=40-", 100).orElseThrow();
    assertEquals(40, r.start());
    assertEquals(60, r.length());
    assertEquals("bytes 40-99/100", r.contentRange());
  }

  @Test
  void suffixRangeTakesTheLastBytes() {
    assertEquals(Optional.of(new ByteRange(70, 30, 100)), ByteRange.parse("bytes=-30", 100));
    assertEquals(Optional.of(new ByteRange(0, 100, 100)), ByteRange.parse("bytes=-300", 100));
  }

  @Test
  void startAtOrBeyondTheEndIsNotSatisfiable() {
    assertThrows(RangeNotSatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
    assertThrows(RangeNotSatisfiable.class, () -> ByteRange.parse("bytes=100-200", 100));
    assertThrows(RangeNotSatisfiable.class, () -> ByteRange.parse("bytes=0-", 0));
  }

  @Test
  void unsupportedOrMalformedRangesMeanTheWholeFrame() {
    assertEquals(Optional.empty(), ByteRange.parse(null, 100));
    assertEquals(Optional.empty(), ByteRange.parse("bytes=0-1,5-6", 100));
    assertEquals(Optional.empty(), ByteRange.parse("items=0-1", 100));
    assertEquals(Optional.empty(), ByteRange.parse("bytes=20-10", 100));
    assertEquals(Optional.empty(), ByteRange.parse("bytes=-", 100));
  }
}
