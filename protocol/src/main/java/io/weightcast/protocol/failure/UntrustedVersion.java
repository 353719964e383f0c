package io.weightcast.protocol.failure;

/**
 * A version an agent refuses to activate because its manifest signature is missing, made with a
 * key the agent does not trust, or does not verify against the manifest's digest. Not retryable:
 * the same announcement is refused again.
 */
public final class UntrustedVersion extends WeightcastFailure {
  public static final String CODE = "untrusted_version";

  public UntrustedVersion(String message) {
    super(CODE, false, message, null);
  }
}
