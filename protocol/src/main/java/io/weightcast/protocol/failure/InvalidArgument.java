package io.weightcast.protocol.failure;

/** A malformed request argument (a digest that is not 64 hex digits, a bad range, ...). */
public final class InvalidArgument extends WeightcastFailure {
  public static final String CODE = "invalid_argument";

  public InvalidArgument(String message) {
    this(message, null);
  }

  public InvalidArgument(String message, Throwable cause) {
    super(CODE, false, message, cause);
  }
}
