package io.weightcast.protocol.failure;

/** Not enough free disk space for the operation; nothing was changed. */
public final class NoSpace extends WeightcastFailure {
  public static final String CODE = "no_space";

  public NoSpace(String message) {
    this(message, null);
  }

  public NoSpace(String message, Throwable cause) {
    super(CODE, false, message, cause);
  }
}
