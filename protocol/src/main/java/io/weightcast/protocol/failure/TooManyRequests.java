package io.weightcast.protocol.failure;

/**
 * A client over its configured concurrency (e.g. uploads in flight per client): HTTP 429, gRPC
 * RESOURCE_EXHAUSTED. Retryable once some of its requests have finished.
 */
public final class TooManyRequests extends WeightcastFailure {
  public static final String CODE = "too_many_requests";

  public TooManyRequests(String message) {
    super(CODE, true, message, null);
  }
}
