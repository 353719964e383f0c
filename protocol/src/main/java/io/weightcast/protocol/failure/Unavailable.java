package io.weightcast.protocol.failure;

/** A dependency that cannot be reached or answered too late. */
public final class Unavailable extends WeightcastFailure {
  public static final String CODE = "unavailable";

  public Unavailable(String message) {
    super(message);
  }

  public Unavailable(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public String code() {
    return CODE;
  }
}
