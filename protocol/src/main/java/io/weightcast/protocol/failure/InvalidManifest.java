package io.weightcast.protocol.failure;

/** A manifest that breaks a rule of protocol/README.md (paths, tiling, names, sizes). */
public final class InvalidManifest extends WeightcastFailure {
  public static final String CODE = "invalid_manifest";

  public InvalidManifest(String message) {
    this(message, null);
  }

  public InvalidManifest(String message, Throwable cause) {
    super(CODE, false, message, cause);
  }
}
