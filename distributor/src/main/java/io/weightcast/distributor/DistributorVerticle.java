package io.weightcast.distributor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.weightcast.distributor.lease.RegistryLease;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weightcast.distributor.routing.FleetTopology;
import io.weightcast.distributor.routing.SharedTopology;
import io.weightcast.distributor.routing.TopologyRoutes;
import io.weightcast.distributor.routing.TopologyRunner;
import io.weightcast.distributor.routing.TopologyTable;
import io.weightcast.protocol.topology.SourceRanker;
import io.weightcast.distributor.serve.ChunkHttpServer;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.protocol.security.AccessGuard;
import io.weightcast.protocol.security.AccessRules;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsOptions;
import io.weightcast.protocol.wire.RegistryConnection;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributor role, wiring only: 1. open the chunk store on the "wc-ingest" pool (cleans
 * staging, indexes chunks); 2. serve the chunk API; 3. keep a registry lease when a registry is
 * configured (a registry that is down does not fail the start). On a Vert.x clustered with
 * Hazelcast the topology is the cluster's ({@link SharedTopology}, on the "wc-topology" pool), so
 * every distributor of the cluster ranks sources alike; otherwise it is this verticle's own
 * {@link TopologyTable}. Owns the pools, the server and the lease; its fields are confined to its
 * context.
 */
public final class DistributorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DistributorVerticle.class);
  public static final String INGEST_POOL = "wc-ingest";

  private final DistributorConfig config;
  private WorkerExecutor ingestPool;
  private HttpServer server;
  private RegistryLease lease;
  private WorkerExecutor topologyPool;
  /*
   * Routing policy: up to 4 sources per answer, one crossing into each rack and each zone per
   * chunk, grants held for 10 s, a source quarantined for 30 s after 3 failures; at most
   * config.rackCrossings() chunks crossing into one rack at once (0: no cap).
   */
  private static final int MAX_SOURCES = 4;
  private static final int RACK_BUDGET = 1;
  private static final int ZONE_BUDGET = 1;
  private static final long GRANT_LEASE_MS = 10_000;
  private static final long QUARANTINE_MS = 30_000;
  private static final int QUARANTINE_AFTER = 3;

  private final Security security;

  public DistributorVerticle(DistributorConfig config) {
    this(config, Security.PLAINTEXT);
  }

  /** With TLS, authorization ({@link AccessRules#DISTRIBUTOR}) and the token for its lease. */
  public DistributorVerticle(DistributorConfig config, Security security) {
    this.config = config;
    this.security = security;
  }

  @Override
  public Future<?> start() {
    ingestPool = vertx.createSharedWorkerExecutor(INGEST_POOL, config.ingestThreads());
    TlsOptions.warnIfPlaintext("distributor", config.host(), security.tls());
    HazelcastInstance hz = clusterHazelcast();
    FleetTopology topology;
    TopologyRunner runner;
    if (hz == null) {
      topology = new TopologyTable(new SourceRanker(MAX_SOURCES, RACK_BUDGET, ZONE_BUDGET),
          System::currentTimeMillis, GRANT_LEASE_MS, QUARANTINE_MS, QUARANTINE_AFTER,
          config.rackCrossings());
      runner = TopologyRunner.inline();
    } else {
      topologyPool = vertx.createSharedWorkerExecutor("wc-topology", 4);
      topology = new SharedTopology(hz, MAX_SOURCES, RACK_BUDGET, ZONE_BUDGET,
          System::currentTimeMillis, GRANT_LEASE_MS, QUARANTINE_MS, QUARANTINE_AFTER,
          config.rackCrossings());
      runner = TopologyRunner.on(topologyPool);
    }
    return ChunkStoreWorker.open(ingestPool, config.dataDir(), config.zstdLevel())
        .compose(store -> vertx.createHttpServer(TlsOptions.server(
                ChunkHttpServer.options(config.host(), config.port()), security.tls()))
            .requestHandler(new AccessGuard("distributor", security.access(),
                AccessRules.DISTRIBUTOR).wrap(ChunkHttpServer.router(vertx, store,
                new DistributorMetrics(store, config.dataDir()), router -> new TopologyRoutes(
                topology, runner, () -> advertised()).mount(router), config.limits())))
            .listen())
        .onSuccess(listening -> {
          server = listening;
          LOG.info("distributor serving {} on {} (authorization {}, topology: {})",
              config.dataDir(), advertised(), security.authorizes() ? "on" : "off",
              hz == null ? "own" : "shared in the cluster");
          startLease();
        });
  }

  /** The advertised URL; https when this distributor serves TLS and no URL was configured. */
  private String advertised() {
    String url = config.advertisedBaseUrl(actualPort());
    return config.advertisedUrl() == null && security.tls().serves()
        ? "https" + url.substring("http".length()) : url;
  }

  /** The Hazelcast member under this verticle's clustered Vert.x, or null when not clustered. */
  private HazelcastInstance clusterHazelcast() {
    return vertx instanceof VertxInternal v && v.isClustered()
        && v.clusterManager() instanceof HazelcastClusterManager m
        ? m.getHazelcastInstance() : null;
  }

  /** The port the server listens on; valid after a successful start (useful with port 0). */
  public int actualPort() {
    if (server == null) {
      throw new IllegalStateException("the distributor is not started");
    }
    return server.actualPort();
  }

  private void startLease() {
    if (config.registryEndpoint() == null) {
      return;
    }
    RegistryConnection registry = RegistryConnection.create(vertx, config.registryEndpoint(),
        security.client());
    lease = new RegistryLease(vertx, registry, advertised(),
        config.distributorId(actualPort()));
    lease.start();
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    if (lease != null) {
      closing.add(lease.stop());
    }
    if (server != null) {
      closing.add(server.close());
    }
    return Future.join(closing).eventually(() -> topologyPool == null
        ? Future.succeededFuture() : topologyPool.close())
        .eventually(() -> ingestPool == null ? Future.succeededFuture() : ingestPool.close());
  }
}
