package io.weightcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, end to end, with three agents. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void demoBringsTheModelToEveryAgentVerifiedAndExitsZero() throws Exception {
    try (JarRunner wc = new JarRunner(dir)) {
      JarRunner.Result r = wc.run(240, "demo", "--agents", "3", "--size", "48MiB", "--dir",
          "./wc-demo");
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(r.output().contains("verified: every file of all 3 agents matches the source"
          + " sha256"), r.output());
      Matcher m = Pattern.compile("active on (\\d+)/3 agents .* compression ratio ([0-9.]+)x")
          .matcher(r.output());
      assertTrue(m.find(), r.output());
      assertEquals("3", m.group(1));
      assertTrue(Double.parseDouble(m.group(2)) > 1.1, "bf16 weights should compress: "
          + m.group(2));
      for (int i = 1; i <= 3; i++) {
        Path current = dir.resolve("wc-demo/agents/agent-0" + i + "/models/demo-llm/current");
        assertEquals("v1", Files.readSymbolicLink(current).toString());
      }
    }
  }

  @Test
  void statusAndWaitReportAKeptRunningDemo() throws Exception {
    try (JarRunner wc = new JarRunner(dir)) {
      wc.start("demo", "--agents", "2", "--size", "16MiB", "--dir", "./wc-demo2",
          "--keep-running");
      Path log = dir.resolve("demo-0.log");
      String out = "";
      long deadline = System.currentTimeMillis() + 180_000;
      while (!out.contains("keeping everything running") && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
        out = Files.exists(log) ? Files.readString(log) : "";
      }
      Matcher reg = Pattern.compile("registry (127\\.0\\.0\\.1:\\d+)").matcher(out);
      assertTrue(reg.find(), out);

      JarRunner.Result waited = wc.run(120, "wait", "demo-llm", "--version", "v1", "--data",
          "./wc-demo2/agents/agent-01", "--timeout", "60s");
      assertEquals(0, waited.exitCode(), waited.output());
      assertTrue(waited.output().strip().endsWith("/wc-demo2/agents/agent-01/models/demo-llm/v1"),
          waited.output());

      JarRunner.Result missing = wc.run(60, "wait", "demo-llm", "--version", "v9", "--data",
          "./wc-demo2/agents/agent-01", "--timeout", "1s");
      assertEquals(3, missing.exitCode(), missing.output());
      assertTrue(missing.output().contains("(active v1, latest v1 ACTIVE)"), missing.output());

      JarRunner.Result one = wc.run(60, "status", "demo-llm", "v1", "--registry", reg.group(1));
      assertEquals(0, one.exitCode(), one.output());
      assertTrue(one.output().contains("demo-llm/v1: 2 nodes, 2 active, 0 failed"), one.output());
      JarRunner.Result all = wc.run(60, "status", "--registry", reg.group(1));
      assertEquals(0, all.exitCode(), all.output());
      assertTrue(all.output().matches("(?s).*demo-llm\\s+v1\\s+2\\s+2\\s+0.*"), all.output());

      // --watch redraws (each draw starts with clear-screen) and survives an unreachable registry.
      Process watching = wc.start("status", "--watch", "--registry", reg.group(1));
      Process blind = wc.start("status", "--watch", "--registry",
          "127.0.0.1:" + JarRunner.freePort());
      String live = awaitDraws(dir.resolve("status-1.log"), 2);
      String down = awaitDraws(dir.resolve("status-2.log"), 2);
      assertTrue(watching.isAlive() && blind.isAlive(), "--watch must keep running");
      assertTrue(live.contains("demo-llm"), live);
      assertTrue(down.contains("unreachable") && down.contains("retrying"), down);
    }
  }

  /** Waits (bounded) until a --watch log holds at least {@code draws} clear-screen redraws. */
  private static String awaitDraws(Path log, int draws) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    String out = "";
    while (System.currentTimeMillis() < deadline) {
      out = Files.exists(log) ? Files.readString(log) : "";
      if (out.split("\u001b\\[2J", -1).length - 1 >= draws) {
        return out;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("fewer than " + draws + " redraws in 60 s:\n" + out);
  }
}
