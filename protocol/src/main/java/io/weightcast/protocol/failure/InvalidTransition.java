package io.weightcast.protocol.failure;

/** A change that contradicts committed state, e.g. republishing a version with other content. */
public final class InvalidTransition extends WeightcastFailure {
  public static final String CODE = "invalid_transition";

  public InvalidTransition(String message) {
    this(message, null);
  }

  public InvalidTransition(String message, Throwable cause) {
    super(CODE, false, message, cause);
  }
}
