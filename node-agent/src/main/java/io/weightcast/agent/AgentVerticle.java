package io.weightcast.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.weightcast.agent.control.PolicyApplier;
import io.weightcast.agent.control.PolicyGate;
import io.weightcast.agent.assemble.DataLayout;
import io.weightcast.agent.assemble.PageCacheWarmer;
import io.weightcast.agent.fetch.BufferPool;
import io.weightcast.agent.fetch.ChunkFetcher;
import io.weightcast.agent.fetch.SourceList;
import io.weightcast.agent.fetch.TopologyClient;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.agent.local.LocalApi;
import io.weightcast.agent.local.LocalEvents;
import io.weightcast.agent.local.LocalStatus;
import io.weightcast.agent.local.ModelStatusStore;
import io.weightcast.agent.rollout.ProgressReporter;
import io.weightcast.agent.rollout.RolloutContext;
import io.weightcast.agent.rollout.RolloutQueue;
import io.weightcast.agent.serve.AgentChunkServer;
import io.weightcast.agent.serve.HeldChunks;
import io.weightcast.agent.serve.RecentFrames;
import io.weightcast.agent.watch.AgentState;
import io.weightcast.agent.watch.AnnouncementWatcher;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsOptions;
import io.weightcast.protocol.wire.RegistryConnection;
import java.nio.file.Files;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent role: reads its state, serves the chunks it holds, watches the registry from its
 * persisted position and rolls out each announced version. Wiring only; all components are
 * confined to this verticle's context, and blocking file work runs on the {@code wc-agent-disk}
 * pool.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  private static final long SOURCES_REFRESH_MS = 10_000;
  private static final long FREE_DISK_MS = 10_000;
  private long diskTimer = -1;
  private static final long LOCAL_HEARTBEAT_MS = 15_000;
  private static final long REGISTRY_CHECK_MS = 3_000;

  private final AgentConfig config;
  private WorkerExecutor disk;
  private RegistryConnection registry;
  private ChunkFetcher fetcher;
  private SourceList sources;
  private TopologyClient topology;
  private ProgressReporter reporter;
  private RolloutQueue queue;
  private AnnouncementWatcher watcher;
  private AgentChunkServer server;
  private AgentMetrics metrics;
  private final HeldChunks held;
  /**
   * Encoded frames verified lately, for rack-mates (see RecentFrames): 64 MiB of heap holds the
   * last ~12 frames of 8 MiB chunks at 1.47x, the window in which rack-mates ask for a chunk that
   * just entered the rack.
   */
  private static final long RECENT_FRAMES_BYTES = 64L << 20;
  private final RecentFrames frames = new RecentFrames(RECENT_FRAMES_BYTES);
  private final PolicyGate gate = PolicyGate.open();
  /** Sees every announcement the watcher delivers (multi-node tests record sequences). */
  private java.util.function.Consumer<CommittedVersion> announcementTap = v -> {};
  private PageCacheWarmer warmer;
  private LocalStatus local;
  private LocalEvents events;

  private final Security security;

  public AgentVerticle(AgentConfig config) {
    this(config, Security.PLAINTEXT);
  }

  /**
   * With TLS and authorization of its peer chunk server, and the TLS trust, client certificate
   * and token it presents to the registry, distributors and peers.
   */
  public AgentVerticle(AgentConfig config, Security security) {
    this.security = security;
    this.config = config;
    this.held = new HeldChunks(new DataLayout(config.dataDir()));
  }

  @Override
  public Future<?> start() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    disk = vertx.createSharedWorkerExecutor("wc-agent-disk-" + config.nodeId(), threads);
    TlsOptions.warnIfPlaintext("agent " + config.nodeId(), config.host(), security.tls());
    AgentState state = new AgentState(config.stateDir());
    metrics = new AgentMetrics(config.dataDir(), disk);
    server = new AgentChunkServer(held, frames, metrics,
        BandwidthLimiter.of(config.guards().maxEgressBytesPerSec()));
    warmer = new PageCacheWarmer(config.handover().warm(),
        config.handover().lockBudgetBytes());
    local = new LocalStatus(
        new ModelStatusStore(config.dataDir()), disk, warmer);
    events = new LocalEvents(vertx, LOCAL_HEARTBEAT_MS);
    local.onChange(events::publish);
    LocalApi localApi = new LocalApi(local,
        events, config.models(), config.handover().localApiRemote(), this::registryKnows);
    return local.load().compose(loaded -> disk.executeBlocking(() -> loadHeld(state)))
        .compose(start -> server.listen(vertx, config.host(), config.port(), localApi::mount,
                security)
            .map(listening -> start))
        .onSuccess(start -> {
          long position = start.position();
          start.held().forEach(v -> {
            held.add(v);
            local.held(v);
          });
          registry = RegistryConnection.create(vertx, config.registry(), security.client());
          fetcher = new ChunkFetcher(vertx, new BufferPool(config.chunksInFlight()),
              config.chunksInFlight(), config.stallTimeoutMs(), security.client(),
              BandwidthLimiter.of(config.guards().maxIngressBytesPerSec()));
          reporter = new ProgressReporter(vertx, registry);
          reporter.onStateChange(local::progress);
          sources = new SourceList(vertx, registry, SOURCES_REFRESH_MS);
          topology = new TopologyClient(vertx, new NodeLocation(config.nodeId(), config.zone(),
              config.rack(), serveUrl()), sources::get, config.stallTimeoutMs(),
              security.client());
          held.digests().forEach(d -> topology.held(d, null));
          RolloutContext ctx = new RolloutContext(vertx, config, disk, fetcher, sources, state,
              reporter, v -> {
                held.add(v);
                local.held(v);
              }, id -> {
                held.remove(id);
                local.forget(id);
              }, serveUrl(), topology, held::addStaged,
              held::find, gate, metrics, warmer, frames);
          queue = new RolloutQueue(ctx, position, p -> savePosition(state, p),
              config.retryFailedMs());
          PolicyApplier policies = new PolicyApplier(gate, disk, config, serveUrl(),
              state, reporter, registry, queue::fetch);
          watcher = new AnnouncementWatcher(vertx, registry, config.models(), position, v -> {
            announcementTap.accept(v);
            queue.submit(v);
          }, policy -> {
            policies.apply(policy);
            queue.policiesDelivered();
          });
          sources.start();
          watcher.start();
          measureFreeDisk();
          diskTimer = vertx.setPeriodic(FREE_DISK_MS, t -> measureFreeDisk());
          LOG.info("agent {} ({}/{}) serving chunks at {}, data {}", config.nodeId(),
              config.zone(), config.rack(), serveUrl(), config.dataDir());
        });
  }

  /** Where peers reach this agent's chunk server. */
  private String serveUrl() {
    if (!config.advertiseUrl().isEmpty()) {
      return config.advertiseUrl();
    }
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return security.tls().scheme() + "://" + host + ":" + server.actualPort();
  }

  /** Whether the registry has a version of {@code model} (local API: unknown models). */
  private Future<Boolean> registryKnows(String model) {
    return registry == null ? Future.failedFuture("registry not connected yet")
        : registry.listVersions(model).map(l -> !l.isEmpty())
            .timeout(REGISTRY_CHECK_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Indexes the versions held on disk; answers the watch position to resume from. */
  /** What a start finds on disk: the watch position and the versions held. */
  private record Loaded(long position, List<CommittedVersion> held) {}

  /** Blocking (disk pool): the remembered manifests whose version directory still exists. */
  private Loaded loadHeld(AgentState state) {
    List<CommittedVersion> found = new java.util.ArrayList<>();
    for (CommittedVersion v : state.manifests()) {
      if (Files.isDirectory(config.dataDir().resolve("models").resolve(v.manifest().model())
          .resolve(v.manifest().version()))) {
        found.add(v);
      }
    }
    return new Loaded(state.watchPosition(), found);
  }

  /** Free bytes of the data filesystem, measured on the disk pool, reported with progress. */
  private void measureFreeDisk() {
    disk.executeBlocking(() -> Files.getFileStore(existingAncestor(config.dataDir()))
            .getUsableSpace(), false)
        .onSuccess(reporter::freeBytes)
        .onFailure(e -> LOG.warn("cannot measure free disk: {}", e.getMessage()));
  }

  /** The data directory, or its nearest existing parent before the agent has created it. */
  private static java.nio.file.Path existingAncestor(java.nio.file.Path dir) {
    java.nio.file.Path p = dir.toAbsolutePath();
    while (p.getParent() != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }

  private void savePosition(AgentState state, long position) {
    disk.executeBlocking(() -> {
      state.saveWatchPosition(position);
      return null;
    }, true).onFailure(e -> LOG.error("cannot persist watch position {}", position, e));
  }

  @Override
  public Future<?> stop() {
    if (events != null) {
      events.closeAll();
    }
    if (watcher != null) {
      vertx.cancelTimer(diskTimer);
      watcher.stop();
      sources.stop();
      queue.stop();
      reporter.stop();
    }
    Future<Void> closing = Future.join(
        server == null ? Future.succeededFuture() : server.close(),
        fetcher == null ? Future.succeededFuture() : fetcher.close(),
        topology == null ? Future.succeededFuture() : topology.close()).mapEmpty();
    return closing.eventually(() -> registry == null ? Future.succeededFuture()
        : registry.closeAsync()).eventually(() -> disk.executeBlocking(() -> {
          warmer.releaseAll();
          return null;
        })).eventually(() -> disk.close());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Set before deploying: called on this verticle's context for each announcement delivered. */
  public AgentVerticle tapAnnouncements(java.util.function.Consumer<CommittedVersion> tap) {
    this.announcementTap = tap;
    return this;
  }

  /** Latest progress per version (read on this verticle's context). */
  public Collection<NodeProgress> progress() {
    return reporter.latest();
  }

  /** Open SSE subscriptions of the local API (read on this verticle's context). */
  public int localSubscribers() {
    return events.subscribers();
  }

  public AgentConfig agentConfig() {
    return config;
  }
}
