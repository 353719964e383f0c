package io.weightcast.protocol.failure;

/** A dependency that cannot be reached or answered too late. */
public final class Unavailable extends WeightcastFailure {
  public static final String CODE = "unavailable";

  public Unavailable(String message) {
    this(message, null);
  }

  public Unavailable(String message, Throwable cause) {
    super(CODE, true, message, cause);
  }
}
