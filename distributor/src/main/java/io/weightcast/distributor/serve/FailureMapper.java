package io.weightcast.distributor.serve;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.wire.HttpFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributor's one mapping from failures to HTTP: status plus a JSON body
 * {@code {"code": ..., "message": ...}}. Expected failures are logged at debug; anything else is a
 * 500, logged here once. Runs on the request's event loop as the router's failure handler.
 */
public final class FailureMapper {
  private static final Logger LOG = LoggerFactory.getLogger(FailureMapper.class);
  /**
   * RST_STREAM NO_ERROR after a complete response: "stop sending the body" while the client keeps
   * the answer (RFC 9113, section 8.1; CANCEL would make clients drop it).
   */
  private static final long H2_NO_ERROR = 0x0;
  private static final long H2_GRACE_MS = 1_000;
  private static final long H2_CANCEL = 0x8;

  /** What a failure becomes on the wire. */
  public record Mapped(int status, String code, String message) {}

  private FailureMapper() {}

  /** Pure mapping of a thrown failure. */
  public static Mapped map(Throwable failure) {
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    if (failure instanceof WeightcastFailure f) {
      return new Mapped(HttpFailures.status(f), f.code(), message);
    }
    if (failure instanceof PayloadTooLarge) {
      return new Mapped(413, InvalidArgument.CODE, message);
    }
    if (failure instanceof RangeNotSatisfiable) {
      return new Mapped(416, InvalidArgument.CODE, message);
    }
    return new Mapped(500, Unavailable.CODE, "internal error: " + message);
  }

  /** Mapping of a bare status raised by the router or a vertx-web handler (404, 405, 413...). */
  public static Mapped map(int status) {
    return switch (status) {
      case 404 -> new Mapped(404, NotFound.CODE, "no such resource");
      case 405 -> new Mapped(405, InvalidArgument.CODE, "method not allowed");
      case 413 -> new Mapped(413, InvalidArgument.CODE, "request body too large");
      default -> status >= 400 && status < 500
          ? new Mapped(status, InvalidArgument.CODE, "bad request")
          : new Mapped(status, Unavailable.CODE, "server error");
    };
  }

  /** Router failure and error handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Mapped mapped = failure == null ? map(ctx.statusCode()) : map(failure);
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.closed()) {
      // A body was already on its way (usually the client went away): only abort the exchange.
      LOG.debug("{} {} broke after the head was sent: {}", request.method(), request.path(),
          String.valueOf(failure));
      if (!response.ended()) {
        breakExchange(request);
      }
      return;
    }
    if (mapped.status() >= 500 && !(failure instanceof WeightcastFailure)) {
      LOG.error("{} {} failed", request.method(), request.path(), failure);
    } else {
      LOG.debug("{} {} -> {} {}", request.method(), request.path(), mapped.status(),
          mapped.message());
    }
    respond(ctx, mapped, failure);
  }

  /**
   * Writes the error. A request whose body is still arriving is cut off after the answer
   * ({@link #cutOffBody}) so an unread body can't wedge the connection.
   */
  private static void respond(RoutingContext ctx, Mapped mapped, Throwable failure) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = request.response();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    boolean bodyPending = !request.isEnded() && hasBody(request);
    response.setStatusCode(mapped.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (failure instanceof RangeNotSatisfiable r) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + r.total());
    }
    if (bodyPending && !http2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String body = new JsonObject().put("code", mapped.code()).put("message", mapped.message())
        .encode();
    response.end(body).onComplete(ar -> {
      if (bodyPending) {
        cutOffBody(ctx, http2);
      }
    });
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !length.equals("0"))
        || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /** A response that cannot be completed: HTTP/1.x closes the connection, HTTP/2 cancels. */
  private static void breakExchange(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset(H2_CANCEL);
    } else {
      request.connection().close();
    }
  }

  /**
   * After a complete error response to a request whose body is still arriving. HTTP/1.x: close
   * the connection. HTTP/2: drop what still arrives and give the client
   * {@link #H2_GRACE_MS} to stop by itself (curl and Vert.x do, and some clients report an early
   * RST_STREAM as an error even after a complete response), then reset the stream.
   */
  private static void cutOffBody(RoutingContext ctx, boolean http2) {
    HttpServerRequest request = ctx.request();
    if (!http2) {
      request.connection().close();
      return;
    }
    if (request.isEnded()) {
      return;
    }
    request.handler(buffer -> { }).resume();
    ctx.vertx().setTimer(H2_GRACE_MS, id -> {
      if (!request.isEnded()) {
        request.response().reset(H2_NO_ERROR);
      }
    });
  }
}
