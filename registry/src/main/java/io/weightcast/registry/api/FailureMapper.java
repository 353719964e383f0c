package io.weightcast.registry.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.wire.HttpFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed REST request into a status and a JSON body, once, for the registry's router. */
final class FailureMapper {
  private static final Logger LOG = LoggerFactory.getLogger(FailureMapper.class);

  private FailureMapper() {}

  static void handle(RoutingContext ctx) {
    Throwable e = ctx.failure();
    int status;
    JsonObject body;
    if (e instanceof WeightcastFailure f) {
      status = HttpFailures.status(f);
      body = new JsonObject().put("code", f.code()).put("message", f.getMessage());
    } else if (e == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      body = new JsonObject().put("code", "http_" + status).put("message", "HTTP " + status);
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
      status = 500;
      body = new JsonObject().put("code", "internal").put("message", String.valueOf(e));
    }
    if (!ctx.response().headWritten()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(body.encode());
    }
  }
}
