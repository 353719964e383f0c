package io.weightcast.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.fetch.BufferPool;
import io.weightcast.agent.fetch.ChunkFetcher;
import io.weightcast.agent.serve.AgentChunkServer;
import io.weightcast.agent.serve.HeldChunks;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorLimits;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.limits.BandwidthLimiter;
import io.weightcast.protocol.wire.Bounded;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three bandwidth caps, each on a real transfer over loopback for ~12 s, all at once: a
 * distributor's egress, an agent's egress to peers, an agent's ingress from an uncapped
 * distributor. Each moves {@code CAP x SECONDS} bytes through 4 concurrent HTTP/2 streams, and the
 * bytes over the elapsed time (first to last chunk arrival) must be within 10% of the cap. A behavioural check of the limiter
 * (too slow fails too), not a benchmark.
 */
@ExtendWith(VertxExtension.class)
class BandwidthCapTest {
  /** 20 MB/s: enough bytes to be a real transfer, little enough CPU for a busy 2-core box. */
  private static final long CAP = 20_000_000;
  private static final int SECONDS = 12;
  /** Small, so the chunks in flight when the window opens (counted in it) weigh little (<2%). */
  private static final int CHUNK = 1 << 20;
  private static final int CHUNKS = 8;
  @TempDir Path dir;

  @Test
  void distributorEgressAgentEgressAndAgentIngressStayWithinTenPercentOfTheirCaps(Vertx vertx)
      throws Exception {
    Path file = dir.resolve("w.bin");
    byte[] data = new byte[CHUNK * CHUNKS];
    new Random(7).nextBytes(data);
    Files.write(file, data);
    List<ChunkSpec> chunks = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      chunks.add(new ChunkSpec(i, (long) i * CHUNK, CHUNK,
          Digest.sha256(java.nio.ByteBuffer.wrap(data, i * CHUNK, CHUNK))));
    }
    String cappedDistributor = distributor(vertx, "capped", CAP, file, chunks);
    String openDistributor = distributor(vertx, "open", 0, file, chunks);
    WorkerExecutor disk = vertx.createSharedWorkerExecutor("bw-test-disk", 2);
    HeldChunks held = new HeldChunks(new io.weightcast.agent.assemble.DataLayout(dir));
    chunks.forEach(c -> held.addStaged(c, file));
    AgentChunkServer peer = new AgentChunkServer(held, new AgentMetrics(dir, disk),
        BandwidthLimiter.of(CAP));
    ControlPlaneFixture.onContext(vertx, () -> peer.listen(vertx, "127.0.0.1", 0)).await();
    String peerUrl = "http://127.0.0.1:" + peer.actualPort();

    List<ChunkFetcher> fetchers = new ArrayList<>();
    Future<Double> distributorEgress = measure(vertx, fetchers, cappedDistributor, chunks,
        BandwidthLimiter.UNLIMITED);
    Future<Double> agentEgress = measure(vertx, fetchers, peerUrl, chunks,
        BandwidthLimiter.UNLIMITED);
    Future<Double> agentIngress = measure(vertx, fetchers, openDistributor, chunks,
        BandwidthLimiter.of(CAP));
    try {
      check("distributor egress", distributorEgress.await());
      check("agent egress to peers", agentEgress.await());
      check("agent ingress", agentIngress.await());
    } finally {
      ControlPlaneFixture.onContext(vertx, () -> Future.join(fetchers.stream()
          .map(ChunkFetcher::close).toList()).compose(v -> peer.close())).await();
      disk.close().await();
    }
  }

  private static void check(String what, double bytesPerSecond) {
    double ratio = bytesPerSecond / CAP;
    System.out.printf(Locale.ROOT, "%s: %.2f MB/s against a cap of %.0f MB/s (ratio %.3f)%n",
        what, bytesPerSecond / 1e6, CAP / 1e6, ratio);
    assertTrue(ratio > 0.9 && ratio < 1.1, what + " moved " + ratio + " x its cap");
  }

  /** Fetches CAP x SECONDS bytes from {@code source}, 4 at a time; answers bytes/s. */
  private static Future<Double> measure(Vertx vertx, List<ChunkFetcher> fetchers, String source,
      List<ChunkSpec> chunks, BandwidthLimiter ingress) {
    return ControlPlaneFixture.onContext(vertx, () -> {
      ChunkFetcher fetcher = new ChunkFetcher(vertx, new BufferPool(4), 4, 10_000,
          io.weightcast.protocol.security.ClientSecurity.PLAINTEXT, ingress);
      fetchers.add(fetcher);
      List<ChunkSpec> plan = new ArrayList<>();
      for (int i = 0; i < CAP * SECONDS / CHUNK; i++) {
        plan.add(chunks.get(i % chunks.size()));
      }
      // The window runs from the first chunk's arrival to the last one's, so connection set-up
      // (slow on a busy machine) is not counted as throttling; the bytes of the first chunk are
      // not counted either, since they arrived before the window opened.
      AtomicLong bytes = new AtomicLong();
      long[] first = {0};
      long[] last = {0};
      return Bounded.forEach(plan, 4, c -> fetcher.fetch(source, c.digest(), (int) c.length())
              .map(f -> {
                long now = System.nanoTime();
                if (first[0] == 0) {
                  first[0] = now;
                } else {
                  bytes.addAndGet(f.frame().remaining());
                }
                last[0] = now;
                fetcher.release(f);
                return null;
              }))
          .map(v -> bytes.get() / ((last[0] - first[0]) / 1e9));
    });
  }

  private String distributor(Vertx vertx, String name, long egress, Path file,
      List<ChunkSpec> chunks) {
    DistributorVerticle d = new DistributorVerticle(new DistributorConfig(0, "127.0.0.1",
        dir.resolve(name), null, null, 2, 1,
        new DistributorLimits(egress, 16, Manifest.MAX_CHUNK_SIZE)));
    vertx.deployVerticle(d).await();
    String url = "http://127.0.0.1:" + d.actualPort();
    ChunkApiClient client = ChunkApiClient.create(vertx, url, 4, 30_000);
    try {
      ControlPlaneFixture.onContext(vertx, () -> Bounded.forEach(chunks, 4,
          c -> client.upload(c.digest(), file, c.offset(), c.length()))).await();
    } finally {
      client.close();
    }
    return url;
  }
}
