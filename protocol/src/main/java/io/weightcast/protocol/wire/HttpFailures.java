package io.weightcast.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;

/**
 * The HTTP side of typed failures, both ways: the status every server answers a failure with
 * ({@link #status}), and the typed failure a client rebuilds from a status and JSON error body
 * ({@link #fromResponse}).
 */
public final class HttpFailures {
  private HttpFailures() {}

  /** The status of a typed failure; the one table every Weightcast HTTP server uses. */
  public static int status(WeightcastFailure f) {
    return switch (f.code()) {
      case InvalidArgument.CODE, io.weightcast.protocol.failure.InvalidManifest.CODE -> 400;
      case ChunkNotFound.CODE, io.weightcast.protocol.failure.NotFound.CODE -> 404;
      case io.weightcast.protocol.failure.InvalidTransition.CODE -> 409;
      case io.weightcast.protocol.failure.DigestMismatch.CODE -> 422;
      case io.weightcast.protocol.failure.NoSpace.CODE -> 507;
      case io.weightcast.protocol.failure.LimitExceeded.CODE -> 413;
      case io.weightcast.protocol.failure.TooManyRequests.CODE -> 429;
      case io.weightcast.protocol.failure.UntrustedVersion.CODE -> 403;
      case Unavailable.CODE -> 503;
      case io.weightcast.protocol.failure.AccessDenied.UNAUTHENTICATED -> 401;
      case io.weightcast.protocol.failure.AccessDenied.FORBIDDEN -> 403;
      default -> 500;
    };
  }

  public static WeightcastFailure fromResponse(int status, Buffer body) {
    String text = body == null ? "" : body.toString();
    try {
      JsonObject json = new JsonObject(text);
      String code = json.getString("code");
      if (code != null) {
        return WeightcastFailure.fromCode(code, json.getString("message", "HTTP " + status));
      }
    } catch (DecodeException | ClassCastException e) {
      // Not our JSON error body: fall through to the status.
    }
    String message = "HTTP " + status + (text.isBlank() ? "" : ": " + abbreviate(text));
    if (status == 404) {
      return new ChunkNotFound(message);
    }
    if (status >= 400 && status < 500) {
      return new InvalidArgument(message);
    }
    return new Unavailable(message);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
