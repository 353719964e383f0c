package io.weightcast.agent.local;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.protocol.Names;
import io.weightcast.protocol.failure.InvalidManifest;
import java.util.List;
import java.util.function.Function;

/**
 * The agent's read-only local API for the loader on this host, mounted on the agent's chunk
 * server router:
 *
 * <ul>
 *   <li>{@code GET /v1/local/models}: every model's {@link ModelStatus};
 *   <li>{@code GET /v1/local/models/{model}}: one model; 404 {@code unknown_model} when the
 *       registry has no version of it, 404 {@code model_not_served} when this agent's
 *       {@code --models} excludes it, 400 for a name that is not a model name (so no path is
 *       ever built from it);
 *   <li>{@code GET /v1/local/events}: SSE of activations and failures ({@link LocalEvents}).
 * </ul>
 *
 * Requests from a non-loopback address get 403 unless {@code remoteAllowed}. Handlers run on the
 * agent verticle's context.
 */
public final class LocalApi {
  private final LocalStatus status;
  private final LocalEvents events;
  private final List<String> served;
  private final boolean remoteAllowed;
  private final Function<String, Future<Boolean>> registryKnows;

  /**
   * @param served the agent's --models (empty: every model)
   * @param registryKnows whether the registry has any version of a model; a failed future
   *     (registry unreachable) counts as "maybe"
   */
  public LocalApi(LocalStatus status, LocalEvents events, List<String> served,
      boolean remoteAllowed, Function<String, Future<Boolean>> registryKnows) {
    this.status = status;
    this.events = events;
    this.served = List.copyOf(served);
    this.remoteAllowed = remoteAllowed;
    this.registryKnows = registryKnows;
  }

  public void mount(Router router) {
    router.route("/v1/local/*").handler(this::guard);
    router.get("/v1/local/models").handler(ctx -> ctx.json(new JsonObject().put("models",
        new JsonArray(status.all().stream().map(ModelStatus::toJson).toList()))));
    router.get("/v1/local/models/:model").handler(this::one);
    router.get("/v1/local/events").handler(ctx -> events.subscribe(ctx.response(),
        status.all()));
  }

  private void guard(RoutingContext ctx) {
    String remote = ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().hostAddress();
    if (!LocalAccess.permits(remote, remoteAllowed)) {
      error(ctx.response(), 403, "forbidden", "the local API serves loopback clients only (start"
          + " the agent with --local-api-remote to allow " + remote + ")");
      return;
    }
    ctx.next();
  }

  private void one(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    try {
      Names.requireModel(model);
    } catch (InvalidManifest e) {
      error(ctx.response(), 400, "invalid_argument", e.getMessage());
      return;
    }
    ModelStatus known = status.get(model).orElse(null);
    if (known != null) {
      ctx.json(known.toJson());
      return;
    }
    if (!served.isEmpty() && !served.contains(model)) {
      error(ctx.response(), 404, "model_not_served", "this agent serves only " + served
          + ", not '" + model + "'");
      return;
    }
    registryKnows.apply(model).recover(e -> Future.succeededFuture(true)).onSuccess(knows -> {
      if (knows) {
        ctx.json(ModelStatus.pending(model).toJson());
      } else {
        error(ctx.response(), 404, "unknown_model", "the registry has no version of model '"
            + model + "'");
      }
    });
  }

  private static void error(HttpServerResponse resp, int status, String code, String message) {
    resp.setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("code", code).put("message", message).encode());
  }
}
