package io.weightcast.distributor.ingest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.InvalidArgument;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chunks/missing}: {@code {"digests":[hex...]}} to {@code {"missing":[hex...]}},
 * the absent ones in request order, each once. Parsing and look-ups of up to
 * {@link #MAX_DIGESTS} digests run on the ingest pool, not on the event loop.
 */
public final class MissingHandler {
  public static final int MAX_DIGESTS = 1_000_000;
  /** Room for {@link #MAX_DIGESTS} quoted hex digests with separators, plus slack. */
  public static final long BODY_LIMIT = MAX_DIGESTS * 68L + 64 * 1024;

  private final ChunkStoreWorker store;

  public MissingHandler(ChunkStoreWorker store) {
    this.store = store;
  }

  public Future<Void> handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new InvalidArgument("body must be {\"digests\":[hex...]}");
    }
    return store.execute(() -> answer(body))
        .compose(json -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(json));
  }

  private Buffer answer(Buffer body) {
    List<Digest> asked = parse(body);
    JsonArray missing = new JsonArray(new ArrayList<>(asked.size()));
    for (Digest digest : store.missing(asked)) {
      missing.add(digest.hex());
    }
    return new JsonObject().put("missing", missing).toBuffer();
  }

  static List<Digest> parse(Buffer body) {
    JsonArray digests;
    try {
      digests = new JsonObject(body).getJsonArray("digests");
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidArgument("body must be {\"digests\":[hex...]}: " + e.getMessage());
    }
    if (digests == null) {
      throw new InvalidArgument("body must have a \"digests\" array");
    }
    if (digests.size() > MAX_DIGESTS) {
      throw new InvalidArgument("at most " + MAX_DIGESTS + " digests per request, got "
          + digests.size());
    }
    List<Digest> out = new ArrayList<>(digests.size());
    for (Object hex : digests) {
      if (!(hex instanceof String s)) {
        throw new InvalidArgument("digests must be hex strings, got " + hex);
      }
      out.add(Digest.parse(s));
    }
    return out;
  }
}
