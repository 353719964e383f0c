package io.weightcast.protocol.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The token bucket on a hand-driven clock: waits follow rate, burst and debt exactly. */
class BandwidthLimiterTest {
  private static final long MB = 1_000_000;
  private long now;

  @Test
  void answersTheWaitThatKeepsTheAverageAtTheCap() {
    BandwidthLimiter cap = new BandwidthLimiter(10 * MB, () -> now);
    // The burst (0.2 s = 2 MB) passes at once; beyond it, debt / rate.
    assertEquals(0, cap.consume(2 * MB));
    assertEquals(100_000_000, cap.consume(1 * MB), "1 MB of debt at 10 MB/s is 100 ms");
    now += 100_000_000;
    assertEquals(0, cap.consume(0), "paid off after the wait");
    // 10 s of consumption, each time waiting what it says: 100 MB take 10 s (+ the burst).
    long moved = 0;
    long start = now;
    while (moved < 100 * MB) {
      now += cap.consume(250_000);
      moved += 250_000;
    }
    double seconds = (now - start) / 1e9;
    assertTrue(Math.abs(seconds - 10) < 0.03, "took " + seconds + " s");
  }

  @Test
  void idleTimeRefillsOnlyUpToTheBurst() {
    BandwidthLimiter cap = new BandwidthLimiter(10 * MB, () -> now);
    now += 60_000_000_000L;
    assertEquals(0, cap.consume(2 * MB));
    assertTrue(cap.consume(1) > 0, "a minute idle saves no more than the burst");
  }

  @Test
  void unlimitedNeverWaitsAndParsesCliForms() {
    assertEquals(0, BandwidthLimiter.UNLIMITED.consume(Long.MAX_VALUE / 2));
    assertTrue(BandwidthLimiter.of(0).unlimited());
    assertEquals(100L << 20, Bandwidth.parse("100MB/s"));
    assertEquals(40L << 20, Bandwidth.parse("40MiB"));
    assertEquals(0, Bandwidth.parse("off"));
    assertThrows(IllegalArgumentException.class, () -> Bandwidth.parse("fast"));
    assertThrows(IllegalArgumentException.class, () -> new BandwidthLimiter(-1, () -> 0));
  }
}
