package io.weightcast.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.weightcast.agent.assemble.PageCacheWarmer;
import io.weightcast.agent.local.LocalApi;
import io.weightcast.agent.local.LocalEvents;
import io.weightcast.agent.local.LocalStatus;
import io.weightcast.agent.local.ModelStatus;
import io.weightcast.agent.local.ModelStatusStore;
import io.weightcast.deploy.WeightcastMain;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code wait} and {@code path} as a user runs them, against a data directory laid out as the
 * agent lays it out, and against the agent's real local API (LocalApi + LocalStatus + LocalEvents
 * on a real HTTP server on loopback; the registry's answer is a stub).
 */
class WaitCommandTest {
  @TempDir Path dir;
  private Path data;
  private Vertx vertx;
  private WorkerExecutor disk;
  private Context context;
  private LocalStatus status;
  private HttpServer server;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream stdout;
  private PrintStream stderr;

  @BeforeEach
  void setUp() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data);
    stdout = System.out;
    stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void tearDown() {
    System.setOut(stdout);
    System.setErr(stderr);
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** The agent's local API over {@link #data}; models named "nope" are unknown to the registry. */
  private String startAgentApi() {
    vertx = Vertx.vertx();
    disk = vertx.createSharedWorkerExecutor("test-disk", 2);
    context = vertx.getOrCreateContext();
    status = new LocalStatus(new ModelStatusStore(data), disk, new PageCacheWarmer(false, 0));
    LocalEvents events = new LocalEvents(vertx, 60_000);
    status.onChange(events::publish);
    LocalApi api = new LocalApi(status, events, List.of(), false,
        m -> Future.succeededFuture(!m.equals("nope")));
    server = onContext(() -> {
      Router router = Router.router(vertx);
      api.mount(router);
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
    });
    return "http://127.0.0.1:" + server.actualPort();
  }

  private <T> T onContext(java.util.function.Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future().await();
  }

  /** What the agent does on activation: the version dir, the link, then the state change. */
  private void activate(String model, String version) throws Exception {
    Path modelDir = data.resolve("models").resolve(model);
    Files.createDirectories(modelDir.resolve(version));
    Files.deleteIfExists(modelDir.resolve("current"));
    Files.createSymbolicLink(modelDir.resolve("current"), Path.of(version));
    if (status != null) {
      report(model, version, State.ACTIVE, "");
    }
  }

  private void report(String model, String version, State state, String error) {
    onContext(() -> {
      status.progress(new NodeProgress("gpu-1", "", "", model, version, state, 1, 1, 10, 10, 0,
          error, "", state == State.ACTIVE, System.currentTimeMillis()));
      return Future.succeededFuture();
    });
  }

  private static int run(String... args) {
    return new CommandLine(new WeightcastMain()).execute(args);
  }

  private CompletableFuture<Integer> runLater(String... args) {
    return CompletableFuture.supplyAsync(() -> run(args));
  }

  private String expectedPath(String model, String version) {
    return data.toAbsolutePath().normalize().resolve("models").resolve(model).resolve(version)
        .toString();
  }

  @Test
  void waitWithDataPrintsThePathOnceCurrentNamesTheVersion() throws Exception {
    CompletableFuture<Integer> waiting = runLater("wait", "m", "--version", "v1", "--data",
        data.toString(), "--timeout", "60s");
    Thread.sleep(500);
    assertTrue(!waiting.isDone(), "returned before the version was active: " + err);
    activate("m", "v1");
    assertEquals(0, waiting.get(60, TimeUnit.SECONDS), err.toString());
    assertEquals(expectedPath("m", "v1"), out.toString().strip());
  }

  @Test
  void waitTimesOutWithExit3AndSaysWhatItSaw() throws Exception {
    activate("m", "v1");
    assertEquals(3, run("wait", "m", "--version", "v2", "--data", data.toString(),
        "--timeout", "700ms"));
    assertTrue(err.toString().contains("m v2 is not active on this host"), err.toString());
    assertTrue(err.toString().contains("active v1"), err.toString());
  }

  @Test
  void waitWithDataExits4WhenTheAgentRecordedTheVersionAsFailed() throws Exception {
    new ModelStatusStore(data).save(ModelStatus.pending("m").withLatest("v2", "FAILED",
        "no space left on device"));
    assertEquals(4, run("wait", "m", "--version", "v2", "--data", data.toString(),
        "--timeout", "30s"));
    assertTrue(err.toString().contains("m v2 failed on this host: no space left on device"),
        err.toString());
  }

  @Test
  void waitWithAgentFollowsTheEventStreamToTheActivation() throws Exception {
    String url = startAgentApi();
    CompletableFuture<Integer> waiting = runLater("wait", "m", "--agent", url, "--timeout",
        "60s");
    Thread.sleep(1_000);
    assertTrue(!waiting.isDone(), "returned before anything was active: " + err);
    activate("m", "v3");
    assertEquals(0, waiting.get(60, TimeUnit.SECONDS), err.toString());
    assertEquals(expectedPath("m", "v3"), out.toString().strip());
  }

  @Test
  void waitWithAgentExits4WhenTheVersionFailsOnThisHost() throws Exception {
    String url = startAgentApi();
    CompletableFuture<Integer> waiting = runLater("wait", "m", "--version", "v2", "--agent",
        url, "--timeout", "60s");
    Thread.sleep(1_000);
    report("m", "v2", State.FAILED, "chunk 3 failed after 5 attempt(s)");
    assertEquals(4, waiting.get(60, TimeUnit.SECONDS), err.toString());
    assertTrue(err.toString().contains("chunk 3 failed after 5 attempt(s)"), err.toString());
  }

  @Test
  void waitAndPathForAModelTheRegistryDoesNotKnowExit5() {
    String url = startAgentApi();
    assertEquals(5, run("wait", "nope", "--agent", url, "--timeout", "30s"));
    assertTrue(err.toString().contains("the registry has no version of model 'nope'"),
        err.toString());
    assertEquals(5, run("path", "nope", "--agent", url));
  }

  @Test
  void pathPrintsTheActivePathOrExits1() throws Exception {
    assertEquals(1, run("path", "m", "--data", data.toString()));
    assertTrue(err.toString().contains("no version of m is active"), err.toString());
    activate("m", "v1");
    assertEquals(0, run("path", "m", "--data", data.toString()));
    assertEquals(expectedPath("m", "v1"), out.toString().strip());
    out.reset();
    String url = startAgentApi();
    report("m", "v1", State.ACTIVE, "");
    assertEquals(0, run("path", "m", "--agent", url));
    assertEquals(expectedPath("m", "v1"), out.toString().strip());
  }

  @Test
  void refusesBothSourcesAndNamesThatAreNotModelNames() {
    assertEquals(2, run("wait", "m", "--data", data.toString(), "--agent", "http://127.0.0.1:1"));
    assertTrue(err.toString().contains("not both"), err.toString());
    assertEquals(2, run("path", "../etc", "--data", data.toString()));
    assertEquals(2, run("wait", "m", "--timeout", "soon", "--data", data.toString()));
  }

  @Test
  void waitKeepsTryingAnAgentThatIsNotUpAndTimesOutWithTheReason() {
    assertEquals(3, run("wait", "m", "--agent", "http://127.0.0.1:1", "--timeout", "1500ms"));
    assertTrue(err.toString().contains("agent at http://127.0.0.1:1"), err.toString());
  }
}
