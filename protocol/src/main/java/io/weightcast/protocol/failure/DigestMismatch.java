package io.weightcast.protocol.failure;

/** Bytes whose SHA-256 differs from the digest that names them. Retry from another source. */
public final class DigestMismatch extends WeightcastFailure {
  public static final String CODE = "digest_mismatch";

  public DigestMismatch(String message) {
    this(message, null);
  }

  public DigestMismatch(String message, Throwable cause) {
    super(CODE, true, message, cause);
  }
}
