package io.weightcast.protocol.failure;

/** A source does not hold the chunk asked for (it may later, or another may). */
public final class ChunkNotFound extends WeightcastFailure {
  public static final String CODE = "chunk_not_found";

  public ChunkNotFound(String message) {
    this(message, null);
  }

  public ChunkNotFound(String message, Throwable cause) {
    super(CODE, true, message, cause);
  }
}
