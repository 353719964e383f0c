package io.weightcast.protocol.failure;

/**
 * The typed failures every role speaks. Each server maps them to an HTTP or gRPC status in one
 * place (its {@code FailureMapper}); clients map statuses back with {@link #fromCode}.
 */
public abstract sealed class WeightcastFailure extends RuntimeException
    permits DigestMismatch, ChunkNotFound, NoSpace, InvalidManifest, InvalidArgument,
        InvalidTransition, NotFound, Unavailable, AccessDenied, UntrustedVersion, LimitExceeded,
        TooManyRequests {

  private final String code;
  private final boolean retryable;

  protected WeightcastFailure(String code, boolean retryable, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
  }

  /** Whether the same request may succeed later or elsewhere. */
  public boolean retryable() {
    return retryable;
  }

  /** Stable, machine-readable name of the failure kind, carried on the wire. */
  public String code() {
    return code;
  }

  /** Rebuilds a failure from its {@link #code()} and message (client side of the mapping). */
  public static WeightcastFailure fromCode(String code, String message) {
    return switch (code == null ? "" : code) {
      case DigestMismatch.CODE -> new DigestMismatch(message);
      case ChunkNotFound.CODE -> new ChunkNotFound(message);
      case NoSpace.CODE -> new NoSpace(message);
      case InvalidManifest.CODE -> new InvalidManifest(message);
      case InvalidArgument.CODE -> new InvalidArgument(message);
      case InvalidTransition.CODE -> new InvalidTransition(message);
      case NotFound.CODE -> new NotFound(message);
      case AccessDenied.UNAUTHENTICATED, AccessDenied.FORBIDDEN -> new AccessDenied(code, message);
      case UntrustedVersion.CODE -> new UntrustedVersion(message);
      case LimitExceeded.CODE -> new LimitExceeded(message);
      case TooManyRequests.CODE -> new TooManyRequests(message);
      default -> new Unavailable(message);
    };
  }
}
