package io.weightcast.registry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.weightcast.protocol.security.AccessGuard;
import io.weightcast.protocol.security.AccessRules;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsOptions;
import io.weightcast.protocol.wire.Http2Tuning;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.api.RegistryGrpcEndpoint;
import io.weightcast.registry.api.RegistryRoutes;
import io.weightcast.registry.cluster.RegistryCluster;
import io.weightcast.registry.store.VersionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry role: opens the version log, then serves gRPC and REST on one port (requests
 * whose content-type starts with application/grpc go to the gRPC server, the rest to the router).
 * Wiring only; the state lives in {@link RegistryCore}, confined to this verticle's context.
 */
public final class RegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);

  private final RegistryConfig config;
  /** Null: a single registry with its local log; else this registry's cluster membership. */
  private final RegistryCluster cluster;
  private WorkerExecutor logWorker;
  private RegistryCore core;
  private HttpServer server;
  private final Security security;

  public RegistryVerticle(RegistryConfig config) {
    this(config, null);
  }

  /** A registry of the clustered control plane (registry/.../cluster); null runs it alone. */
  public RegistryVerticle(RegistryConfig config, RegistryCluster cluster) {
    this(config, cluster, Security.PLAINTEXT);
  }

  /** With TLS, authorization ({@link AccessRules#REGISTRY}) and the token it presents. */
  public RegistryVerticle(RegistryConfig config, RegistryCluster cluster, Security security) {
    this.config = config;
    this.cluster = cluster;
    this.security = security;
  }

  @Override
  public Future<?> start() {
    logWorker = vertx.createSharedWorkerExecutor("wc-registry-log", 1);
    return logWorker.executeBlocking(() -> VersionLog.open(config.dataDir()))
        .compose(log -> {
          core = new RegistryCore(vertx, log, logWorker, security.client());
          return core.openControl(vertx, config.dataDir());
        })
        .compose(opened -> {
          GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
              .setMaxMessageSize(RegistryConnection.MAX_MESSAGE_BYTES));
          new RegistryGrpcEndpoint(vertx, core, config.limits()).bind(grpc);
          Router rest = new RegistryRoutes(core).router(vertx);
          TlsOptions.warnIfPlaintext("registry", config.host(), security.tls());
          AccessGuard guard = new AccessGuard("registry", security.access(),
              AccessRules.REGISTRY);
          server = vertx.createHttpServer(TlsOptions.server(
                  Http2Tuning.serverOptions(config.host(), config.port()), security.tls()))
              .requestHandler(guard.wrap(req -> {
                String type = req.getHeader("content-type");
                if (type != null && type.startsWith("application/grpc")) {
                  grpc.handle(req);
                } else {
                  rest.handle(req);
                }
              }));
          return server.listen().compose(s -> cluster == null ? Future.succeededFuture(s)
              : cluster.start(vertx, core, s.actualPort()).map(v -> s));
        })
        .onSuccess(s -> LOG.info("registry listening on {}://{}:{} (data {}, {} versions"
            + " replayed, authorization {})", security.tls().scheme(), config.host(),
            s.actualPort(), config.dataDir(), core.catalog().lastSequence(),
            security.authorizes() ? "on" : "off"));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = (cluster == null ? Future.<Void>succeededFuture() : cluster.stop())
        .compose(v -> server == null ? Future.succeededFuture() : server.close());
    return closing.compose(v -> core == null ? Future.succeededFuture() : core.close())
        .eventually(() -> logWorker.close());
  }

  /** The bound port (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Read access for tests and the embedded demo; confined to this verticle's context. */
  public RegistryCore core() {
    return core;
  }
}
