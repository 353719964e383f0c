package io.weightcast.protocol.failure;

/** A manifest that breaks a rule of protocol/README.md (paths, tiling, names, sizes). */
public final class InvalidManifest extends WeightcastFailure {
  public static final String CODE = "invalid_manifest";

  public InvalidManifest(String message) {
    super(message);
  }

  public InvalidManifest(String message, Throwable cause) {
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
