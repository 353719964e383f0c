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
 * each chunk. Handlers run on the distributor verticle's context, which owns the table.
 */
public final class TopologyRoutes {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TopologyRoutes.class);
  private static final long BODY_LIMIT = 16L * 1024 * 1024;

  private final TopologyTable table;
  private final java.util.function.Supplier<String> originUrl;

  public TopologyRoutes(TopologyTable table, java.util.function.Supplier<String> originUrl) {
    this.table = table;
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
    table.announce(node, have, fetched, req.getBoolean("full", false));
    ctx.response().setStatusCode(204).end();
  }

  private void sources(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    NodeLocation node = location(req);
    JsonObject sources = new JsonObject();
    JsonArray wait = new JsonArray();
    for (Object hex : req.getJsonArray("chunks", new JsonArray())) {
      Digest d = Digest.parse((String) hex);
      TopologyTable.Answer a = table.sources(node, d, originUrl.get());
      if (a.waitForCopy()) {
        wait.add(d.hex());
      } else {
        sources.put(d.hex(), new JsonArray(a.sources()));
      }
    }
    ctx.json(new JsonObject().put("sources", sources).put("wait", wait));
  }

  private void failure(RoutingContext ctx) {
    JsonObject req = ctx.body().asJsonObject();
    String source = req.getString("source");
    if (source == null || source.isBlank()) {
      throw new InvalidArgument("source must be set");
    }
    NodeLocation reporter = location(req);
    if (table.reportFailure(reporter, source, Digest.parse(req.getString("chunk")),
        originUrl.get())) {
      LOG.warn("quarantined source {}: repeated failures, last reported by {}: {}", source,
          reporter.nodeId(), req.getString("reason", ""));
    }
    ctx.response().setStatusCode(204).end();
  }

  private void transfers(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (TopologyTable.Transfer t : table.transfers()) {
      out.add(new JsonObject().put("chunk", t.chunk().hex()).put("from", t.from())
          .put("fromRack", t.fromRack()).put("to", t.to()).put("toRack", t.toRack()));
    }
    ctx.json(new JsonObject().put("transfers", out));
  }

  private void nodes(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (NodeLocation n : table.nodes()) {
      out.add(new JsonObject().put("node", n.nodeId()).put("zone", n.zone())
          .put("rack", n.rack()).put("serveUrl", n.serveUrl())
          .put("quarantined", !n.serveUrl().isEmpty() && table.quarantined(n.serveUrl())));
    }
    ctx.json(new JsonObject().put("nodes", out));
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
