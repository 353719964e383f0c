package io.weightcast.protocol.limits;

import java.util.function.LongSupplier;

/**
 * A byte-rate cap shared by every stream of one direction of one role (an agent's egress to
 * peers, its ingress from any source, a distributor's egress): a token bucket that may go into
 * debt. Pure Java, no timers; thread-safe (one lock, held for a few arithmetic operations), since
 * streams of one role run on several event loops.
 *
 * <p>Formula: the balance refills at {@code rate} bytes/s up to {@code burst};
 * {@link #consume consume(n)} subtracts n (the bytes were already read or sent) and answers how
 * long the caller must wait before moving more bytes: {@code max(0, -balance) / rate}. A caller
 * that waits that long before its next read keeps the bytes moved in any interval T at most
 * {@code rate x T + burst}; the burst is {@link #DEFAULT_BURST_SECONDS} of traffic, so over a
 * 10-second window the excess is at most 2%, and a stream that resumes late (a busy event loop,
 * a slow disk read) can catch up on up to 200 ms of unused allowance instead of losing it.
 */
public final class BandwidthLimiter {
  /** Burst allowance in seconds of traffic at the cap. */
  public static final double DEFAULT_BURST_SECONDS = 0.2;
  private static final long MIN_BURST = 64 * 1024;
  /** No cap: {@link #consume} always answers 0 and streams are not wrapped at all. */
  public static final BandwidthLimiter UNLIMITED = new BandwidthLimiter(0, System::nanoTime);

  private final long bytesPerSecond;
  private final double burst;
  private final LongSupplier nanoClock;
  private double balance;
  private long lastNanos;

  /** A cap of {@code bytesPerSecond} (0 = unlimited), on the JVM's monotonic clock. */
  public static BandwidthLimiter of(long bytesPerSecond) {
    return bytesPerSecond == 0 ? UNLIMITED : new BandwidthLimiter(bytesPerSecond, System::nanoTime);
  }

  /** A cap on the given clock (tests drive it by hand). */
  public BandwidthLimiter(long bytesPerSecond, LongSupplier nanoClock) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bandwidth cap must be >= 0 bytes/s, got "
          + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burst = Math.max(MIN_BURST, bytesPerSecond * DEFAULT_BURST_SECONDS);
    this.nanoClock = nanoClock;
    this.balance = burst;
    this.lastNanos = nanoClock.getAsLong();
  }

  public boolean unlimited() {
    return bytesPerSecond == 0;
  }

  /** The cap in bytes per second; 0 when unlimited. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Records {@code bytes} moved; answers the nanoseconds to wait before moving more (0: none). */
  public synchronized long consume(long bytes) {
    if (unlimited()) {
      return 0;
    }
    long now = nanoClock.getAsLong();
    balance = Math.min(burst, balance + (now - lastNanos) * (bytesPerSecond / 1e9));
    lastNanos = now;
    balance -= bytes;
    return balance >= 0 ? 0 : (long) Math.ceil(-balance / bytesPerSecond * 1e9);
  }

  @Override
  public String toString() {
    return unlimited() ? "unlimited" : bytesPerSecond + " B/s";
  }
}
