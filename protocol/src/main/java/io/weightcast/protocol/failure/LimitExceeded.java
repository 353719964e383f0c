package io.weightcast.protocol.failure;

/**
 * A request larger than a configured limit allows (manifest bytes, file count, path length, chunk
 * size): HTTP 413, gRPC RESOURCE_EXHAUSTED. Not retryable: the same request is refused again.
 */
public final class LimitExceeded extends WeightcastFailure {
  public static final String CODE = "limit_exceeded";

  public LimitExceeded(String message) {
    super(CODE, false, message, null);
  }
}
