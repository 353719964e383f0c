package io.weightcast.protocol.wire;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.protocol.failure.NoSpace;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;

/**
 * Maps typed failures to gRPC statuses and back, once for every gRPC edge. The status message is
 * {@code "<code>: <message>"} so the client rebuilds the same failure type.
 */
public final class GrpcFailures {
  private GrpcFailures() {}

  /** Server side: the exception to fail a gRPC response with. */
  public static StatusException toStatus(Throwable error) {
    if (error instanceof WeightcastFailure f) {
      GrpcStatus status = switch (f.code()) {
        case InvalidManifest.CODE, InvalidArgument.CODE -> GrpcStatus.INVALID_ARGUMENT;
        case InvalidTransition.CODE -> GrpcStatus.ALREADY_EXISTS;
        case NotFound.CODE -> GrpcStatus.NOT_FOUND;
        case ChunkNotFound.CODE -> GrpcStatus.FAILED_PRECONDITION;
        case DigestMismatch.CODE -> GrpcStatus.DATA_LOSS;
        case NoSpace.CODE, io.weightcast.protocol.failure.LimitExceeded.CODE,
            io.weightcast.protocol.failure.TooManyRequests.CODE -> GrpcStatus.RESOURCE_EXHAUSTED;
        case io.weightcast.protocol.failure.UntrustedVersion.CODE -> GrpcStatus.PERMISSION_DENIED;
        case Unavailable.CODE -> GrpcStatus.UNAVAILABLE;
        case io.weightcast.protocol.failure.AccessDenied.UNAUTHENTICATED -> GrpcStatus.UNAUTHENTICATED;
        case io.weightcast.protocol.failure.AccessDenied.FORBIDDEN -> GrpcStatus.PERMISSION_DENIED;
        default -> GrpcStatus.INTERNAL;
      };
      return new StatusException(status, f.code() + ": " + f.getMessage());
    }
    return new StatusException(GrpcStatus.INTERNAL, "internal: " + error);
  }

  /** Client side: the typed failure for a non-OK status and its message. */
  public static WeightcastFailure fromStatus(GrpcStatus status, String message, Throwable cause) {
    String text = message == null ? "" : message;
    int colon = text.indexOf(": ");
    if (colon > 0 && text.substring(0, colon).matches("[a-z_]+")) {
      return WeightcastFailure.fromCode(text.substring(0, colon), text.substring(colon + 2));
    }
    String described = "registry answered " + status + (text.isEmpty() ? "" : ": " + text);
    return switch (status == null ? GrpcStatus.UNKNOWN : status) {
      case NOT_FOUND -> new NotFound(described);
      case INVALID_ARGUMENT -> new InvalidArgument(described);
      case ALREADY_EXISTS -> new InvalidTransition(described);
      case UNAUTHENTICATED -> new io.weightcast.protocol.failure.AccessDenied(
          io.weightcast.protocol.failure.AccessDenied.UNAUTHENTICATED, described);
      case PERMISSION_DENIED -> new io.weightcast.protocol.failure.AccessDenied(
          io.weightcast.protocol.failure.AccessDenied.FORBIDDEN, described);
      default -> new Unavailable(described, cause);
    };
  }
}
