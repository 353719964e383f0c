package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryCore;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 registry WatchVersions streams, 1,000 registry SSE clients ({@code /v1/events}) and 1,000
 * agent SSE clients ({@code /v1/local/events}) connect (each receives its first message) and
 * drop, 100 at a time: half cancel their stream, half close their connection. Afterwards nothing
 * they held remains: the registry's announcer subscribers, policy watchers, open watch streams
 * (each with its heartbeat timer), event-hub subscribers and heartbeat timers, and the agent's
 * local subscribers (each with its keep-alive timer) are back to their baseline, the JVM's thread
 * count has not grown, and the heap after a GC is within 32 MiB of where it was. The roles
 * register no event-bus consumers at all (no {@code eventBus()} use in main code), so there are
 * none to count.
 */
@ExtendWith(VertxExtension.class)
class ConnectionChurnTest {
  private static final int CLIENTS = 1_000;
  private static final int BATCH = 100;
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(180)
  void thousandsOfWatchAndSseClientsThatConnectAndDropLeaveNothingBehind(Vertx vertx)
      throws Exception {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path data = dir.resolve("agent");
    AgentVerticle agent = new AgentVerticle(AgentFixture.config(plane, data, "gpu-001"));
    vertx.deployVerticle(agent).await();
    AgentFixture.publish(vertx, plane, dir.resolve("src"), "m", "v1", MIB, 1, 256 * 1024);
    awaitCurrent(data, "m", "v1", 20_000);
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(BATCH));
    RegistryCore core = plane.registry().core();
    Supplier<List<Integer>> held = () -> ControlPlaneFixture.onContext(vertx, () ->
        Future.succeededFuture(List.of(core.announcer().subscriberCount(),
            core.control().watcherCount(), core.metrics().openWatchStreams(),
            core.events().subscriberCount(), core.events().openTimers(),
            agent.localSubscribers()))).await();
    List<Integer> before = held.get();
    // One round first, so lazily started pools and loaded classes count in the baseline.
    churn(vertx, plane, http, agent, BATCH);
    AgentFixture.await(() -> held.get().equals(before), 20_000,
        "warm-up subscribers and timers back to " + before + " (are " + held.get() + ")");
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapBefore = heapAfterGc();

    churn(vertx, plane, http, agent, CLIENTS);

    AgentFixture.await(() -> held.get().equals(before), 20_000,
        "subscribers and timers back to " + before + " (are " + held.get() + ")");
    int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapAfter = heapAfterGc();
    System.out.printf("ConnectionChurnTest: held %s -> %s, threads %d -> %d, heap %d -> %d MiB%n",
        before, held.get(), threadsBefore, threadsAfter, heapBefore / MIB, heapAfter / MIB);
    assertTrue(threadsAfter <= threadsBefore + 4, "threads " + threadsBefore + " -> "
        + threadsAfter);
    assertTrue(heapAfter <= heapBefore + 32 * MIB, "heap after GC " + heapBefore / MIB
        + " -> " + heapAfter / MIB + " MiB");
    assertEquals(0, before.get(3), "no registry SSE subscriber at baseline");
    http.close().await();
  }

  /** {@code n} clients of each kind, {@link #BATCH} at a time. */
  private static void churn(Vertx vertx, ControlPlaneFixture plane, HttpClient http,
      AgentVerticle agent, int n) throws InterruptedException {
    for (int batch = 0; batch < n / BATCH; batch++) {
      boolean closeConnections = batch % 2 == 1;
      watches(vertx, plane, closeConnections);
      sse(vertx, http, plane.registryPort(), "/v1/events", closeConnections);
      sse(vertx, http, agent.actualPort(), "/v1/local/events", closeConnections);
    }
  }

  /** A batch of watch streams on one connection; each gets v1 replayed, then all drop. */
  private static void watches(Vertx vertx, ControlPlaneFixture plane, boolean closeConnection)
      throws InterruptedException {
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    CountDownLatch replayed = new CountDownLatch(BATCH);
    List<RegistryConnection.Watch> open = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      open.add(ControlPlaneFixture.onContext(vertx, () -> registry.watch(0, List.of(),
          v -> replayed.countDown())).await());
    }
    assertTrue(replayed.await(20, TimeUnit.SECONDS), "every watch got its replay");
    ControlPlaneFixture.onContext(vertx, () -> {
      if (!closeConnection) {
        open.forEach(w -> w.cancel().run());
      }
      registry.close();
      return Future.succeededFuture();
    }).await();
  }

  /** A batch of SSE clients; each reads its first bytes, then cancels or loses its connection. */
  private static void sse(Vertx vertx, HttpClient http, int port, String path,
      boolean closeConnection) throws InterruptedException {
    CountDownLatch first = new CountDownLatch(BATCH);
    List<HttpClientRequest> open = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      open.add(ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET, port,
          "127.0.0.1", path).compose(req -> req.send().map(resp -> {
            resp.handler(b -> first.countDown());
            resp.exceptionHandler(e -> { });
            return req;
          }))).await());
    }
    assertTrue(first.await(20, TimeUnit.SECONDS), "every SSE client got its first bytes");
    ControlPlaneFixture.onContext(vertx, () -> {
      open.forEach(req -> {
        if (closeConnection) {
          req.connection().close();
        } else {
          req.reset();
        }
      });
      return Future.succeededFuture();
    }).await();
  }

  private static long heapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      AgentFixture.sleep(100);
      least = Math.min(least,
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
