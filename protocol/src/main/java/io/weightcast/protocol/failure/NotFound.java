package io.weightcast.protocol.failure;

/** A named model, version or resource that does not exist. */
public final class NotFound extends WeightcastFailure {
  public static final String CODE = "not_found";

  public NotFound(String message) {
    super(message);
  }

  public NotFound(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }

  @Override
  public String code() {
    return CODE;
  }
}
