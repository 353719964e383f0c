package io.weightcast.protocol.failure;

/**
 * The typed failures every role speaks. Each server maps them to an HTTP or gRPC status in one
 * place (its {@code FailureMapper}); clients map statuses back with {@link #fromCode}.
 */
public abstract sealed class WeightcastFailure extends RuntimeException
    permits DigestMismatch, ChunkNotFound, NoSpace, InvalidManifest, InvalidArgument,
        InvalidTransition, NotFound, Unavailable {

  protected WeightcastFailure(String message) {
    super(message);
  }

  protected WeightcastFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same request may succeed later or elsewhere. */
  public abstract boolean retryable();

  /** Stable, machine-readable name of the failure kind, carried on the wire. */
  public abstract String code();

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
      default -> new Unavailable(message);
    };
  }
}
