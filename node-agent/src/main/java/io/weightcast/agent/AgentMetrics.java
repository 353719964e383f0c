package io.weightcast.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node agent's Prometheus meters, in its own registry (why: {@link PrometheusEndpoint}).
 * Labels are bounded: {@code source} is origin, peer or local; {@code op} fetch or read;
 * {@code reason} a {@link WeightcastFailure#code()} or {@code other}. No model, version, digest
 * or node id is a label (the scrape target names the node).
 *
 * <ul>
 *   <li>{@code weightcast_chunk_received_bytes_total{source}}: frame bytes received from the
 *       origin distributor or a peer agent; {@code local}: bytes of a version already on this
 *       disk when its rollout started (resumed from the journal), so not fetched again;
 *   <li>{@code weightcast_chunks_verified_total{source}}: chunks decoded, verified and durable;
 *   <li>{@code weightcast_chunk_failures_total{op,reason}}: fetch attempts that failed (e.g.
 *       fetch/digest_mismatch, fetch/unavailable) and peer reads refused (read/chunk_not_found);
 *   <li>{@code weightcast_fetches_in_flight}: chunk transfers between request and durable write;
 *   <li>{@code weightcast_time_to_active_seconds}: histogram, from the announcement reaching the
 *       agent to {@code current} naming the version;
 *   <li>{@code weightcast_versions_activated_total}: times {@code current} moved to a version;
 *   <li>{@code weightcast_chunks_served_total}, {@code weightcast_chunk_served_bytes_total}: chunks
 *       sent to peers;
 *   <li>{@code weightcast_disk_free_bytes}: usable bytes under the data directory, refreshed on
 *       the disk pool before each scrape.
 * </ul>
 *
 * <p>Threading: {@link #announced} and {@link #activated} are called on the agent verticle's
 * context (the announcement times are confined to it); counters may be updated from any thread.
 */
public final class AgentMetrics {
  /** Announcement times kept for versions not yet active; older ones are dropped. */
  static final int MAX_PENDING = 1024;

  private final PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
  private final AtomicLong diskFree = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final PrometheusEndpoint endpoint;
  private final Timer timeToActive;
  private final Counter activations;
  private final Counter served;
  private final Counter servedBytes;
  private final Map<Long, Long> announcedAtNanos = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > MAX_PENDING;
    }
  };

  public AgentMetrics(Path dataDir, WorkerExecutor disk) {
    endpoint = new PrometheusEndpoint(registry, () -> disk.executeBlocking(() -> {
      diskFree.set(PrometheusEndpoint.usableBytes(dataDir));
      return null;
    }, false));
    Gauge.builder("weightcast.fetches.in.flight", inFlight::get)
        .description("Chunk transfers in flight").register(registry);
    Gauge.builder("weightcast.disk.free", diskFree::get).baseUnit("bytes")
        .description("Usable bytes on the file system of the data directory").register(registry);
    timeToActive = Timer.builder("weightcast.time.to.active")
        .description("From an announcement reaching the agent to current naming the version")
        .serviceLevelObjectives(seconds(1), seconds(2), seconds(5), seconds(10), seconds(30),
            seconds(60), seconds(120), seconds(300), seconds(600), seconds(1800), seconds(3600))
        .register(registry);
    activations = Counter.builder("weightcast.versions.activated")
        .description("Times current moved to a version").register(registry);
    served = Counter.builder("weightcast.chunks.served")
        .description("Chunks sent to peers").register(registry);
    servedBytes = Counter.builder("weightcast.chunk.served").baseUnit("bytes")
        .description("Chunk body bytes sent to peers").register(registry);
    for (String source : new String[] {"origin", "peer", "local"}) {
      received(source);
      verified(source);
    }
    for (String reason : PrometheusEndpoint.FAILURE_REASONS) {
      failures("fetch", reason);
      failures("read", reason);
    }
  }

  /** One chunk transfer from {@code source}; ends with exactly one of verified or failed. */
  public final class Transfer {
    private final String source;
    private boolean ended;

    private Transfer(String source) {
      this.source = source;
      inFlight.incrementAndGet();
    }

    public void received(long frameBytes) {
      AgentMetrics.this.received(source).increment(frameBytes);
    }

    public void verified() {
      if (end()) {
        AgentMetrics.this.verified(source).increment();
      }
    }

    public void failed(Throwable cause) {
      if (end()) {
        failure("fetch", cause);
      }
    }

    private boolean end() {
      if (ended) {
        return false;
      }
      ended = true;
      inFlight.decrementAndGet();
      return true;
    }
  }

  /** Starts counting a transfer; {@code fromOrigin}: the source is the origin distributor. */
  public Transfer transfer(boolean fromOrigin) {
    return new Transfer(fromOrigin ? "origin" : "peer");
  }

  /** Bytes taken from this disk instead of the network: journalled at a resume, or copied from a held chunk. */
  public void local(long bytes) {
    received("local").increment(bytes);
  }

  public void announced(CommittedVersion v) {
    announcedAtNanos.putIfAbsent(v.sequence(), System.nanoTime());
  }

  /** {@code current} now names {@code v}. */
  public void activated(CommittedVersion v) {
    activations.increment();
    Long seen = announcedAtNanos.remove(v.sequence());
    if (seen != null) {
      timeToActive.record(System.nanoTime() - seen, TimeUnit.NANOSECONDS);
    }
  }

  public void served(long bytes) {
    served.increment();
    servedBytes.increment(bytes);
  }

  /** A failed chunk operation: {@code op} is fetch or read. */
  public void failure(String op, Throwable cause) {
    failure(op, cause instanceof WeightcastFailure f ? f.code() : "other");
  }

  public void failure(String op, String reason) {
    failures(op, reason).increment();
  }

  private Counter failures(String op, String reason) {
    return Counter.builder("weightcast.chunk.failures").tag("op", op).tag("reason", reason)
        .description("Chunk operations that failed, by reason").register(registry);
  }

  public PrometheusEndpoint endpoint() {
    return endpoint;
  }

  private Counter received(String source) {
    return Counter.builder("weightcast.chunk.received").baseUnit("bytes").tag("source", source)
        .description("Chunk bytes received, by source kind").register(registry);
  }

  private Counter verified(String source) {
    return Counter.builder("weightcast.chunks.verified").tag("source", source)
        .description("Chunks verified and durable, by source kind").register(registry);
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
