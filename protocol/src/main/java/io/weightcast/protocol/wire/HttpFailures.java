package io.weightcast.protocol.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;

/** Client side of the HTTP error mapping: a status and JSON error body back to a typed failure. */
public final class HttpFailures {
  private HttpFailures() {}

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
