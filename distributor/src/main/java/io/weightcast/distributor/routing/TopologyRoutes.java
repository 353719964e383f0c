package io.weightcast.distributor.routing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.wire.TopologyHttp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topology API ({@link TopologyHttp}): agents announce what they hold and ask where to fetch
 * each chunk. Handlers parse on the distributor verticle's context and call the topology through
 * {@link TopologyRunner} (inline for the context-confined table, on a worker for the shared one);
 * failures go to the router's failure handler.
 */
public final class TopologyRoutes {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TopologyRoutes.class);
  private static final long BODY_LIMIT = 16L * 1024 * 1024;
  /** A pick hands out at most this many chunks at once (an agent's slots). */
  private static final int MAX_WANT = 1024;

  private final FleetTopology table;
  private final TopologyRunner runner;
  private final java.util.function.Supplier<String> originUrl;

  public TopologyRoutes(FleetTopology table, TopologyRunner runner,
      java.util.function.Supplier<String> originUrl) {
    this.table = table;
    this.runner = runner;
    this.originUrl = originUrl;
  }

  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.post(TopologyHttp.ANNOUNCE_PATH).handler(body).handler(this::announce);
    router.post(TopologyHttp.SOURCES_PATH).handler(body).handler(this::sources);
    router.post(TopologyHttp.FAILURES_PATH).handler(body).handler(this::failure);
    router.get(TopologyHttp.TRANSFERS_PATH).handler(this::transfers);
    router.get(TopologyHttp.NODES_PATH).handler(this::nodes);
  }

  private void announce(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    NodeLocation node = location(req);
    List<Digest> have = new ArrayList<>();
    for (Object hex : req.getJsonArray("have", new JsonArray())) {
      have.add(Digest.parse((String) hex));
    }
    Map<Digest, String> fetched = new LinkedHashMap<>();
    for (Object o : req.getJsonArray("fetched", new JsonArray())) {
      JsonObject f = (JsonObject) o;
      fetched.put(Digest.parse(f.getString("chunk")), f.getString("from", ""));
    }
    boolean full = req.getBoolean("full", false);
    List<Digest> crossing = new ArrayList<>();
    for (Object hex : req.getJsonArray("crossing", new JsonArray())) {
      crossing.add(Digest.parse((String) hex));
    }
    runner.run(() -> {
      table.announce(node, have, fetched, full);
      if (!crossing.isEmpty()) {
        table.renewCrossings(node, crossing);
      }
      return null;
    }).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void sources(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    NodeLocation node = location(req);
    List<Digest> chunks = new ArrayList<>();
    for (Object hex : req.getJsonArray("chunks", new JsonArray())) {
      chunks.add(Digest.parse((String) hex));
    }
    String origin = originUrl.get();
    Integer want = req.getInteger("want");
    if (want != null && (want < 1 || want > MAX_WANT)) {
      throw new InvalidArgument("want must be between 1 and " + MAX_WANT + ", got " + want);
    }
    runner.run(() -> {
      JsonObject sources = new JsonObject();
      JsonArray wait = new JsonArray();
      JsonArray crossing = new JsonArray();
      Map<Digest, FleetTopology.Answer> answers = new LinkedHashMap<>();
      if (want != null) {
        answers.putAll(table.pick(node, chunks, want, origin));
      } else {
        chunks.forEach(d -> answers.put(d, table.sources(node, d, origin)));
      }
      for (Digest d : chunks) {
        FleetTopology.Answer a = answers.get(d);
        if (a == null || a.waitForCopy()) {
          wait.add(d.hex());
        } else {
          sources.put(d.hex(), new JsonArray(a.sources()));
          if (a.crossesRack()) {
            crossing.add(d.hex());
          }
        }
      }
      return new JsonObject().put("sources", sources).put("wait", wait)
          .put("crossing", crossing);
    }).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void failure(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    String source = req.getString("source");
    if (source == null || source.isBlank()) {
      throw new InvalidArgument("source must be set");
    }
    NodeLocation reporter = location(req);
    Digest chunk = Digest.parse(req.getString("chunk"));
    String origin = originUrl.get();
    boolean goingOn = req.getBoolean("goingOn", false);
    runner.run(() -> table.reportFailure(reporter, source, chunk, origin, goingOn))
        .onSuccess(entered -> {
          if (entered) {
            LOG.warn("quarantined source {}: repeated failures, last reported by {}: {}",
                source, reporter.nodeId(), req.getString("reason", ""));
          }
          ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
  }

  private void transfers(RoutingContext ctx) {
    runner.run(table::transfers).onSuccess(list -> {
      JsonArray out = new JsonArray();
      for (FleetTopology.Transfer t : list) {
        out.add(new JsonObject().put("chunk", t.chunk().hex()).put("from", t.from())
            .put("fromRack", t.fromRack()).put("to", t.to()).put("toRack", t.toRack()));
      }
      ctx.json(new JsonObject().put("transfers", out));
    }).onFailure(ctx::fail);
  }

  private void nodes(RoutingContext ctx) {
    runner.run(() -> {
      JsonArray out = new JsonArray();
      for (NodeLocation n : table.nodes()) {
        out.add(new JsonObject().put("node", n.nodeId()).put("zone", n.zone())
            .put("rack", n.rack()).put("serveUrl", n.serveUrl())
            .put("quarantined", !n.serveUrl().isEmpty() && table.quarantined(n.serveUrl())));
      }
      return out;
    }).onSuccess(out -> ctx.json(new JsonObject().put("nodes", out))).onFailure(ctx::fail);
  }

  private static NodeLocation location(JsonObject req) {
    if (req == null) {
      throw new InvalidArgument("a JSON body is required");
    }
    try {
      return new NodeLocation(req.getString("node"), req.getString("zone"),
          req.getString("rack"), req.getString("serveUrl", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgument(e.getMessage());
    }
  }
}
