package io.weightcast.agent.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.wire.Endpoints;
import io.weightcast.protocol.wire.HttpFailures;
import io.weightcast.protocol.wire.TopologyHttp;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This agent's side of the distributor's topology API ({@link TopologyHttp}): asks where to fetch
 * a chunk (or which chunks to fetch now: a pick), and announces the chunks it holds (batched:
 * {@link #HELD_ANNOUNCE_MS} after a chunk is verified, else every {@link #FLUSH_MS} when there is
 * something to say) with where each came from. The first announcement after a start is marked full (it lists everything held,
 * replacing what the distributor knew of this node); afterwards one goes out at least every
 * {@link #HEARTBEAT_MS}, and every {@link #RENEW_MS} listing the crossings in flight (chunks
 * picked from outside the rack, not yet held), which renews their grants.
 * Confined to the agent verticle's context.
 */
public final class TopologyClient {
  static final long FLUSH_MS = 200;
  /** A newly held chunk is announced this soon. */
  static final long HELD_ANNOUNCE_MS = 20;
  /** Announce at least this often, so the distributor knows the node is alive. */
  static final long HEARTBEAT_MS = 10_000;
  /**
   * While crossings are in flight, announce this often with them listed, renewing their grants
   * (the distributor's lease is 10 s: three renewals per lease, so one lost does not lapse it).
   */
  static final long RENEW_MS = 3_000;
  /** A crossing is renewed this long at most: a fetch still running after it is abandoned. */
  static final long MAX_CROSSING_MS = 120_000;

  /**
   * A chunk picked for this node: its sources in order, and whether they are outside this node's
   * rack ({@code crossing}: ask a peer there for the encoded frame).
   */
  public record Picked(List<String> sources, boolean crossing) {
    public Picked {
      sources = List.copyOf(sources);
    }
  }

  private final Vertx vertx;
  private final NodeLocation self;
  private final Supplier<Future<List<String>>> origins;
  private final long timeoutMs;
  private final HttpClient http;
  private final List<Digest> have = new ArrayList<>();
  private final Map<Digest, String> fetchedFrom = new LinkedHashMap<>();
  /** Chunks picked as crossings and not yet held or failed, to when they were picked (ms). */
  private final Map<Digest, Long> crossings = new LinkedHashMap<>();
  private final long timer;
  /** The next announcement is the node's full holding (its first since this start). */
  private boolean full = true;
  private long lastAnnounceMs;
  /** A flush is scheduled {@link #HELD_ANNOUNCE_MS} after a chunk became held. */
  private boolean announceSoon;
  private boolean closed;

  private final ClientSecurity security;

  public TopologyClient(Vertx vertx, NodeLocation self, Supplier<Future<List<String>>> origins,
      long timeoutMs) {
    this(vertx, self, origins, timeoutMs, ClientSecurity.PLAINTEXT);
  }

  /** {@code security}: trust, client certificate and token for https distributors. */
  public TopologyClient(Vertx vertx, NodeLocation self, Supplier<Future<List<String>>> origins,
      long timeoutMs, ClientSecurity security) {
    this.security = security;
    this.vertx = vertx;
    this.self = self;
    this.origins = origins;
    this.timeoutMs = timeoutMs;
    this.http = vertx.createHttpClient(security.options(
        new io.vertx.core.http.HttpClientOptions(), false));
    this.timer = vertx.setPeriodic(FLUSH_MS, t -> flush());
  }

  /**
   * Asks {@code origin} which of {@code candidates} (missing chunks, in this node's order) to fetch
   * now: at most {@code want} of them, each with its sources (a pick, see {@link TopologyHttp}).
   * Not batched: the caller keeps at most one pick per rollout outstanding. An older distributor
   * that ignores {@code want} answers every chunk; only the first {@code want} are kept.
   */
  public Future<Map<Digest, Picked>> pick(String origin, List<Digest> candidates, int want) {
    JsonArray chunks = new JsonArray();
    candidates.forEach(d -> chunks.add(d.hex()));
    return post(origin, TopologyHttp.SOURCES_PATH,
        location().put("chunks", chunks).put("want", want)).map(resp -> {
          Set<String> crossing = new HashSet<>();
          resp.getJsonArray("crossing", new JsonArray()).forEach(h -> crossing.add((String) h));
          Map<Digest, Picked> picked = new LinkedHashMap<>();
          for (Digest d : candidates) {
            List<String> sources = sourcesOf(resp, d);
            if (!sources.isEmpty() && picked.size() < want) {
              picked.put(d, new Picked(sources, crossing.contains(d.hex())));
              if (crossing.contains(d.hex())) {
                crossings.put(d, System.currentTimeMillis());
              }
            }
          }
          return picked;
        });
  }

  /** The sources answered for {@code chunk}; empty when it was not picked (wait). */
  private static List<String> sourcesOf(JsonObject resp, Digest chunk) {
    JsonArray list = resp.getJsonObject("sources", new JsonObject()).getJsonArray(chunk.hex());
    List<String> sources = new ArrayList<>();
    if (list != null) {
      list.forEach(u -> sources.add((String) u));
    }
    return sources;
  }

  /**
   * Records that this agent now holds {@code chunk} verified, fetched from {@code source}; it is
   * announced within {@link #HELD_ANNOUNCE_MS} (chunks verified meanwhile share the request), so
   * rack-mates can pick it from here while it would otherwise wait up to a {@link #FLUSH_MS} tick.
   */
  public void held(Digest chunk, String source) {
    crossings.remove(chunk);
    have.add(chunk);
    if (source != null) {
      fetchedFrom.put(chunk, source);
    }
    if (!announceSoon) {
      announceSoon = true;
      vertx.setTimer(HELD_ANNOUNCE_MS, t -> {
        announceSoon = false;
        if (!closed) {
          flush();
        }
      });
    }
  }

  /**
   * The picked chunk was not fetched after all (copied from a copy this node holds): its
   * crossing, if it was one, is not renewed any more.
   */
  public void notFetched(Digest chunk) {
    crossings.remove(chunk);
  }

  /** Reports a source that failed to deliver a good copy (best effort). */
  public void reportFailure(String origin, String source, Digest chunk, String reason) {
    reportFailure(origin, source, chunk, reason, false);
  }

  /**
   * Like {@link #reportFailure(String, String, Digest, String)}; {@code goingOn}: this node tries
   * the next source of the same pick, so a crossing keeps its grant (and its renewals).
   */
  public void reportFailure(String origin, String source, Digest chunk, String reason,
      boolean goingOn) {
    if (!goingOn) {
      crossings.remove(chunk);
    }
    post(origin, TopologyHttp.FAILURES_PATH, location().put("source", source)
        .put("chunk", chunk.hex()).put("reason", reason).put("goingOn", goingOn));
  }

  private void flush() {
    long now = System.currentTimeMillis();
    crossings.values().removeIf(at -> at <= now - MAX_CROSSING_MS);
    boolean renew = !crossings.isEmpty() && now - lastAnnounceMs >= RENEW_MS;
    if (have.isEmpty() && !full && !renew && now - lastAnnounceMs < HEARTBEAT_MS) {
      return;
    }
    lastAnnounceMs = now;
    boolean wasFull = full;
    full = false;
    List<Digest> batch = new ArrayList<>(have);
    Map<Digest, String> from = new LinkedHashMap<>(fetchedFrom);
    have.clear();
    fetchedFrom.clear();
    JsonArray haveJson = new JsonArray();
    batch.forEach(d -> haveJson.add(d.hex()));
    JsonArray fetchedJson = new JsonArray();
    from.forEach((d, s) -> fetchedJson.add(new JsonObject().put("chunk", d.hex()).put("from", s)));
    JsonArray crossingJson = new JsonArray();
    crossings.keySet().forEach(d -> crossingJson.add(d.hex()));
    JsonObject body = location().put("have", haveJson).put("fetched", fetchedJson)
        .put("full", wasFull).put("crossing", crossingJson);
    origins.get().compose(urls -> Future.join(urls.stream()
            .map(u -> post(u, TopologyHttp.ANNOUNCE_PATH, body)).toList()))
        .onFailure(e -> {
          // Keep the batch for the next flush: a distributor that was away learns it then.
          have.addAll(0, batch);
          from.forEach(fetchedFrom::putIfAbsent);
          full = full || wasFull;
        });
  }

  private JsonObject location() {
    return new JsonObject().put("node", self.nodeId()).put("zone", self.zone())
        .put("rack", self.rack()).put("serveUrl", self.serveUrl());
  }

  private Future<JsonObject> post(String origin, String path, JsonObject body) {
    URI base = Endpoints.uri(origin);
    return http.request(security.apply(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost(base.getHost()).setPort(base.getPort()).setURI(path).setTimeout(timeoutMs)
            .putHeader("content-type", "application/json"), base))
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().compose(b -> {
          if (resp.statusCode() == 204) {
            return Future.succeededFuture(new JsonObject());
          }
          if (resp.statusCode() != 200) {
            return Future.failedFuture(HttpFailures.fromResponse(resp.statusCode(), b));
          }
          return Future.succeededFuture(b.toJsonObject());
        }))
        .recover(e -> Future.failedFuture(e instanceof Unavailable ? e
            : new Unavailable("topology API at " + origin + ": " + e.getMessage(), e)));
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    flush();
    return http.close();
  }
}
