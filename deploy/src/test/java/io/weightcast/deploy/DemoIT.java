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
}
