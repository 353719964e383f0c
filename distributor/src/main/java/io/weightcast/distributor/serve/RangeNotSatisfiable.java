package io.weightcast.distributor.serve;

import io.weightcast.protocol.failure.InvalidArgument;

/**
 * A {@code Range} that starts beyond the frame: HTTP 416 with {@code Content-Range: bytes
 * *}{@code /total}. Carries the {@link InvalidArgument} wire code (not retryable).
 */
public final class RangeNotSatisfiable extends RuntimeException {
  private final long total;

  public RangeNotSatisfiable(String header, long total) {
    super("range '" + header + "' is outside the " + total + "-byte frame");
    this.total = total;
  }

  public long total() {
    return total;
  }
}
