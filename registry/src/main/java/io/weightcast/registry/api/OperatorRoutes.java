package io.weightcast.registry.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.registry.RegistryCore;
import io.weightcast.registry.control.ControlStore;
import io.weightcast.registry.events.PolicyJson;
import io.weightcast.registry.progress.RolloutSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The operators' REST API: rollouts, nodes, control actions, the SSE stream and the dashboard.
 * Thin handlers on the registry verticle's context: aggregation is {@link RolloutSummary}, the
 * rules are {@code ControlRules}, failures go to {@link FailureMapper}.
 */
final class OperatorRoutes {
  /** Who acted, until roles exist (#8): this request header, else "anonymous". */
  static final String ACTOR_HEADER = "X-Weightcast-Actor";

  private final RegistryCore core;
  private final EventStream events;

  OperatorRoutes(RegistryCore core, Vertx vertx) {
    this.core = core;
    this.events = new EventStream(vertx, core.events());
  }

  void mount(Router router) {
    router.get("/").handler(ctx -> ctx.response().putHeader("content-type",
        "text/html; charset=utf-8").sendFile("weightcast-ui/index.html"));
    router.get("/v1/rollouts").handler(this::rollouts);
    router.get("/v1/rollouts/:model/:version").handler(this::rollout);
    router.get("/v1/nodes").handler(this::nodes);
    router.get("/v1/control/actions").handler(ctx -> {
      JsonArray out = new JsonArray();
      core.control().actions().forEach(a -> out.add(ControlStore.json(a)));
      json(ctx, new JsonObject().put("actions", out));
    });
    router.get("/v1/models/:model/policy").handler(this::policy);
    router.get("/v1/events").handler(events::handle);
    router.post("/v1/models/:model/pin").handler(BodyHandler.create().setBodyLimit(4096))
        .handler(ctx -> control(ctx, who -> core.control().pin(ctx.pathParam("model"),
            pinVersion(ctx), who)));
    router.post("/v1/models/:model/unpin").handler(ctx -> control(ctx,
        who -> core.control().unpin(ctx.pathParam("model"), who)));
    router.post("/v1/models/:model/rollback").handler(ctx -> control(ctx,
        who -> core.control().rollback(ctx.pathParam("model"), who)));
    router.post("/v1/rollouts/:model/:version/pause").handler(ctx -> control(ctx,
        who -> core.control().pause(ctx.pathParam("model"), ctx.pathParam("version"), true, who)));
    router.post("/v1/rollouts/:model/:version/resume").handler(ctx -> control(ctx,
        who -> core.control().pause(ctx.pathParam("model"), ctx.pathParam("version"), false,
            who)));
  }

  private void policy(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!core.catalog().models().containsKey(model)) {
      ctx.fail(new io.weightcast.protocol.failure.NotFound("no model " + model));
      return;
    }
    json(ctx, PolicyJson.json(core.control().policy(model)));
  }

  private void control(RoutingContext ctx, Function<String, Future<ModelPolicy>> action) {
    Future<ModelPolicy> result;
    try {
      result = action.apply(ctx.request().getHeader(ACTOR_HEADER));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(p -> json(ctx, PolicyJson.json(p))).onFailure(ctx::fail);
  }

  private static String pinVersion(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      String version = body == null ? null : body.getString("version");
      if (version == null) {
        throw new InvalidArgument("pin needs a JSON body {\"version\": \"...\"}");
      }
      return version;
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidArgument("pin needs a JSON body {\"version\": \"...\"}: " + e.getMessage());
    }
  }

  private RolloutSummary summary(String model, String version) {
    return RolloutSummary.of(model, version, core.rollouts().nodes(model, version),
        core.rollouts()::rate, core.control().control(model).paused().contains(version));
  }

  /** Every committed version, plus versions nodes report that the catalog does not (yet) have. */
  private void rollouts(RoutingContext ctx) {
    Map<String, Boolean> keys = new LinkedHashMap<>();
    for (CommittedVersion v : core.catalog().after(0, List.of())) {
      keys.put(v.manifest().id(), true);
    }
    for (NodeProgress p : core.rollouts().all()) {
      keys.putIfAbsent(p.model() + "/" + p.version(), false);
    }
    JsonArray out = new JsonArray();
    keys.forEach((id, committed) -> {
      int slash = id.indexOf('/');
      String model = id.substring(0, slash);
      String version = id.substring(slash + 1);
      ModelPolicy policy = core.control().policy(model);
      out.add(RolloutJson.totals(summary(model, version), committed)
          .put("target", version.equals(policy.target().orElse(null)))
          .put("pinned", version.equals(policy.pinned().orElse(null)))
          .put("withdrawn", policy.withdrawn().contains(version)));
    });
    json(ctx, new JsonObject().put("rollouts", out));
  }

  private void rollout(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    String version = ctx.pathParam("version");
    boolean committed = core.catalog().find(model, version).isPresent();
    if (!committed && core.rollouts().nodes(model, version).isEmpty()) {
      ctx.fail(new io.weightcast.protocol.failure.NotFound("no rollout " + model + "/" + version));
      return;
    }
    json(ctx, RolloutJson.detail(summary(model, version), committed)
        .put("policy", PolicyJson.json(core.control().policy(model))));
  }

  /** Every node that reported: topology, serve URL, the versions it holds and their state. */
  private void nodes(RoutingContext ctx) {
    Map<String, JsonObject> byNode = new LinkedHashMap<>();
    for (NodeProgress p : core.rollouts().all()) {
      JsonObject n = byNode.computeIfAbsent(p.nodeId(), id -> new JsonObject().put("node", id)
          .put("zone", p.zone()).put("rack", p.rack()).put("serveUrl", p.serveUrl())
          .put("freeBytes", core.rollouts().freeBytes(id)).put("lastReportMs", 0L)
          .put("versions", new JsonArray()));
      n.put("lastReportMs", Math.max(n.getLong("lastReportMs"), p.reportedAtMs()));
      n.getJsonArray("versions").add(new JsonObject().put("model", p.model())
          .put("version", p.version()).put("state", p.state().name().toLowerCase())
          .put("current", p.current()).put("bytesDone", p.bytesDone())
          .put("bytesTotal", p.bytesTotal()));
    }
    TreeSet<String> zones = new TreeSet<>();
    byNode.values().forEach(n -> zones.add(n.getString("zone")));
    json(ctx, new JsonObject().put("zones", new JsonArray(List.copyOf(zones)))
        .put("nodes", new JsonArray(List.copyOf(byNode.values()))));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily());
  }
}
