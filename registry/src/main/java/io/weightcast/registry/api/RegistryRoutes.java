package io.weightcast.registry.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import io.weightcast.registry.RegistryCore;
import java.util.List;

/** The registry's REST API (JSON). Handlers run on the registry verticle's context. */
public final class RegistryRoutes {
  private final RegistryCore core;

  public RegistryRoutes(RegistryCore core) {
    this.core = core;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, new JsonObject().put("status", "ok")
        .put("lastSequence", core.catalog().lastSequence())));
    router.get("/v1/models").handler(this::models);
    router.get("/v1/models/:model/versions").handler(this::versions);
    router.get("/v1/models/:model/versions/:version/manifest").handler(this::manifest);
    new OperatorRoutes(core, vertx).mount(router);
    router.get("/v1/distributors").handler(ctx -> json(ctx, new JsonObject()
        .put("distributors", new JsonArray(core.leases().live()))));
    router.get(PrometheusEndpoint.PATH).handler(ctx -> core.metrics().endpoint()
        .respond(ctx.response()));
    router.route().failureHandler(FailureMapper::handle);
    router.route().last().handler(ctx -> ctx.fail(new NotFound("no route " + ctx.request().path())));
    return router;
  }

  private void models(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    core.catalog().models().forEach((model, versions) -> {
      CommittedVersion latest = versions.get(versions.size() - 1);
      out.add(new JsonObject().put("model", model).put("versions", versions.size())
          .put("latest", VersionJson.summary(latest)));
    });
    json(ctx, new JsonObject().put("models", out));
  }

  private void versions(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    List<CommittedVersion> versions = core.catalog().models().get(model);
    if (versions == null) {
      ctx.fail(new NotFound("no model " + model));
      return;
    }
    JsonArray out = new JsonArray();
    versions.forEach(v -> out.add(VersionJson.summary(v)));
    json(ctx, new JsonObject().put("model", model).put("versions", out));
  }

  private void manifest(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    String version = ctx.pathParam("version");
    core.catalog().find(model, version).ifPresentOrElse(
        v -> json(ctx, VersionJson.manifest(v)),
        () -> ctx.fail(new NotFound("no version " + model + "/" + version)));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily());
  }
}
