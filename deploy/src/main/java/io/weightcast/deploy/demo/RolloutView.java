package io.weightcast.deploy.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.wire.Sizes;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints a rollout as the registry reports it (GET /v1/rollouts/{model}/{version}): one line per
 * node with a progress bar. On a terminal the block is redrawn in place; otherwise it is printed
 * at most every 5 s.
 */
final class RolloutView {
  private static final long PLAIN_INTERVAL_MS = 5_000;

  private final PrintStream out;
  private final boolean terminal;
  private int linesDrawn;
  private long lastPlainMs;

  RolloutView(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JsonObject rollout, boolean last) {
    long now = System.currentTimeMillis();
    if (!terminal && !last && now - lastPlainMs < PLAIN_INTERVAL_MS) {
      return;
    }
    lastPlainMs = now;
    StringBuilder block = new StringBuilder();
    JsonArray nodes = rollout.getJsonArray("nodes", new JsonArray());
    for (int i = 0; i < nodes.size(); i++) {
      block.append(line(nodes.getJsonObject(i))).append('\n');
    }
    if (terminal && linesDrawn > 0) {
      out.print("\u001b[" + linesDrawn + "A");
    }
    out.print(block);
    out.flush();
    linesDrawn = nodes.size();
  }

  static String line(JsonObject n) {
    long done = n.getLong("bytesDone", 0L);
    long total = Math.max(1, n.getLong("bytesTotal", 1L));
    int width = 30;
    int filled = (int) (width * done / total);
    String error = n.getString("lastError", "");
    return String.format(Locale.ROOT, "  %-9s %-6s %-9s [%s%s] %3d%%  %9s / %-9s %s",
        n.getString("node"), n.getString("zone"), n.getString("state"),
        "#".repeat(filled), ".".repeat(width - filled), done * 100 / total, Sizes.format(done),
        Sizes.format(total), error.isEmpty() ? "" : "error: " + error);
  }
}
