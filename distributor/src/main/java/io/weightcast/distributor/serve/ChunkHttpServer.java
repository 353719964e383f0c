package io.weightcast.distributor.serve;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.weightcast.distributor.DistributorLimits;
import io.weightcast.distributor.DistributorMetrics;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.distributor.ingest.MissingHandler;
import io.weightcast.distributor.ingest.UploadHandler;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.protocol.wire.ChunkHttp;
import io.weightcast.protocol.wire.Http2Tuning;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import java.util.function.Function;

/**
 * Builds the chunk API's server options and router (routes of {@link ChunkHttp}). HTTP/1.1 and
 * h2c with prior knowledge share one port; HTTP/2 flow-control windows are sized for bulk data
 * (STACK-NOTES: 8 MiB per stream, 64 MiB per connection, 1 MiB frames).
 */
public final class ChunkHttpServer {

  private ChunkHttpServer() {}

  public static HttpServerOptions options(String host, int port) {
    return Http2Tuning.serverOptions(host, port).setHandle100ContinueAutomatically(true);
  }

  /**
   * The router, counting into {@code metrics}, with extra routes (e.g. the topology API) mounted
   * before the fallbacks; every failure leaves it through {@link FailureMapper}.
   */
  public static Router router(Vertx vertx, ChunkStoreWorker store, DistributorMetrics metrics,
      java.util.function.Consumer<Router> extra) {
    return router(vertx, store, metrics, extra, DistributorLimits.DEFAULTS);
  }

  /** Like the above, with the distributor's egress cap and upload limits. */
  public static Router router(Vertx vertx, ChunkStoreWorker store, DistributorMetrics metrics,
      java.util.function.Consumer<Router> extra, DistributorLimits limits) {
    Router router = Router.router(vertx);
    extra.accept(router);
    ChunkReadHandler read = new ChunkReadHandler(store, vertx.fileSystem(),
        BandwidthLimiter.of(limits.maxEgressBytesPerSec()));
    UploadHandler upload = new UploadHandler(store, vertx.fileSystem(), limits);
    MissingHandler missing = new MissingHandler(store);

    router.post(ChunkHttp.MISSING_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MissingHandler.BODY_LIMIT))
        .handler(async(missing::handle));
    String chunk = ChunkHttp.CHUNKS_PATH + ":sha256";
    router.get(chunk).handler(async(ctx -> metrics.read(ctx, read.handle(ctx))));
    router.head(chunk).handler(async(ctx -> metrics.read(ctx, read.handle(ctx))));
    router.put(chunk).handler(async(ctx -> metrics.upload(ctx, upload.handle(ctx))));
    router.get(PrometheusEndpoint.PATH).handler(async(ctx -> metrics.endpoint()
        .respond(ctx.response())));
    router.get("/health").handler(async(ctx -> health(ctx, store)));

    router.route().failureHandler(FailureMapper::handle);
    router.errorHandler(404, FailureMapper::handle);
    router.errorHandler(405, FailureMapper::handle);
    return router;
  }

  private static Future<Void> health(RoutingContext ctx, ChunkStoreWorker store) {
    return ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", "UP").put("chunks", store.size()).encode());
  }

  /** Adapts a Future-returning handler: a thrown or failed outcome goes to the failure handler. */
  private static Handler<RoutingContext> async(Function<RoutingContext, Future<?>> handler) {
    return ctx -> {
      Future<?> outcome;
      try {
        outcome = handler.apply(ctx);
      } catch (RuntimeException e) {
        outcome = Future.failedFuture(e);
      }
      outcome.onFailure(ctx::fail);
    };
  }
}
