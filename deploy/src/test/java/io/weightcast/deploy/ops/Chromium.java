package io.weightcast.deploy.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.weightcast.deploy.cli.CliSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Headless Chromium driven over the DevTools protocol: a child process with a fresh profile, one
 * WebSocket to its browser endpoint (port read from DevToolsActivePort), one page attached in
 * flattened-session mode. Calls block the test thread; the WebSocket is driven from a Vert.x
 * context. JavaScript dialogs (confirm) are accepted as they open.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Vertx vertx;
  private final Process process;
  private final Path profile;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final Map<Long, Promise<JsonObject>> pending = new HashMap<>();
  private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();
  private final List<String> dialogs = new CopyOnWriteArrayList<>();
  private long nextId = 1;
  private String session;

  Chromium(Vertx vertx, int width, int height) throws IOException, InterruptedException {
    this.vertx = vertx;
    this.profile = Files.createTempDirectory("wc-chromium-");
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank"));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.currentTimeMillis() + 30_000;
    while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IllegalStateException("chromium did not start: "
            + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(50);
    }
    List<String> lines = Files.readAllLines(portFile);
    int port = Integer.parseInt(lines.get(0).trim());
    String path = lines.get(1).trim();
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(64 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024));
    socket = CliSupport.runOnContext(vertx, v -> client.connect(new WebSocketConnectOptions()
            // DevTools refuses upgrades that carry an Origin it was not told to allow.
            .setHost("127.0.0.1").setPort(port).setURI(path).setAllowOriginHeader(false))
        .map(ws -> {
          ws.textMessageHandler(this::received);
          return ws;
        }));
    String target = call("Target.createTarget", new JsonObject().put("url", "about:blank"))
        .getString("targetId");
    session = call("Target.attachToTarget", new JsonObject().put("targetId", target)
        .put("flatten", true)).getString("sessionId");
    listeners.add(event -> {
      if ("Page.javascriptDialogOpening".equals(event.getString("method"))) {
        dialogs.add(event.getJsonObject("params").getString("message"));
        send("Page.handleJavaScriptDialog", new JsonObject().put("accept", true));
      }
    });
    call("Page.enable", new JsonObject());
    call("Runtime.enable", new JsonObject());
  }

  private void received(String text) {
    JsonObject msg = new JsonObject(text);
    Long id = msg.getLong("id");
    if (id != null) {
      Promise<JsonObject> p = pending.remove(id);
      if (p != null) {
        if (msg.containsKey("error")) {
          p.fail(msg.getJsonObject("error").encode());
        } else {
          p.complete(msg.getJsonObject("result", new JsonObject()));
        }
      }
    } else {
      listeners.forEach(l -> l.accept(msg));
    }
  }

  /** Sends a command (to the page session once attached) without waiting. */
  private Future<JsonObject> send(String method, JsonObject params) {
    Promise<JsonObject> p = Promise.promise();
    long id = nextId++;
    pending.put(id, p);
    JsonObject msg = new JsonObject().put("id", id).put("method", method).put("params", params);
    if (session != null) {
      msg.put("sessionId", session);
    }
    socket.writeTextMessage(msg.encode());
    return p.future();
  }

  JsonObject call(String method, JsonObject params) {
    return CliSupport.runOnContext(vertx, v -> send(method, params)
        .timeout(60, TimeUnit.SECONDS));
  }

  void navigate(String url) {
    call("Page.navigate", new JsonObject().put("url", url));
  }

  /** Evaluates a JavaScript expression in the page; answers its value (JSON-compatible). */
  Object eval(String expression) {
    JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException("page threw: " + r.getJsonObject("exceptionDetails"));
    }
    return r.getJsonObject("result").getValue("value");
  }

  void screenshot(Path file) throws IOException {
    String data = call("Page.captureScreenshot", new JsonObject().put("format", "png"))
        .getString("data");
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(data));
  }

  /** Messages of the dialogs accepted so far. */
  List<String> dialogs() {
    return List.copyOf(dialogs);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      CliSupport.runOnContext(vertx, v -> socket.close().eventually(client::close));
    } catch (RuntimeException e) {
      // The browser may have gone already; the process is stopped below either way.
    }
    // Chromium's helpers (renderer, GPU, crashpad) outlive the browser process for a moment and
    // keep writing into the profile: stop and await every descendant before deleting it.
    List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle h : helpers) {
      h.destroy();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      }
    }
    for (int attempt = 1; ; attempt++) {
      try {
        io.weightcast.deploy.demo.DemoRun.deleteTree(profile);
        return;
      } catch (java.nio.file.DirectoryNotEmptyException | java.io.UncheckedIOException e) {
        if (attempt == 20) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
