package io.weightcast.distributor.serve;

/**
 * A request body larger than the route accepts: HTTP 413. Carries the {@code invalid_argument}
 * wire code, so clients rebuild it as a non-retryable InvalidArgument.
 */
public final class PayloadTooLarge extends RuntimeException {
  public PayloadTooLarge(String message) {
    super(message);
  }
}
