package io.weightcast.protocol.failure;

/** A named model, version or resource that does not exist. */
public final class NotFound extends WeightcastFailure {
  public static final String CODE = "not_found";

  public NotFound(String message) {
    this(message, null);
  }

  public NotFound(String message, Throwable cause) {
    super(CODE, false, message, cause);
  }
}
