package io.weightcast.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.weightcast.deploy.WeightcastMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** status, pin, unpin, rollback, pause and resume against a real system in this JVM. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlCommandsTest {
  private static final long MIB = 1024 * 1024;
  @TempDir static Path dir;
  private static OperatorFixture system;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() {
    system = new OperatorFixture(dir, 4);
    system.push("m", "v1", 2 * MIB, 1, MIB);
    system.awaitAllCurrent("m", "v1", 60_000);
    system.push("m", "v2", 2 * MIB, 2, MIB);
    system.awaitAllCurrent("m", "v2", 60_000);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  @Order(1)
  void statusShowsEveryRolloutAndPerZoneRackBarsForOne() {
    Run all = run("status");
    assertEquals(0, all.code(), all.err());
    assertTrue(all.out().matches("(?s).*\\bm\\s+v2\\s+4\\s+4\\s+0\\s+complete.*"), all.out());
    Run one = run("status", "m", "v2");
    assertTrue(one.out().startsWith("m/v2: 4 nodes, 4 active, 0 failed"), one.out());
    assertTrue(one.out().contains("zone z1"), one.out());
    assertTrue(one.out().contains("rack z2-r2"), one.out());
    assertTrue(one.out().contains("[########################] 100%"), one.out());
    JsonObject json = new JsonObject(run("status", "m", "v2", "--json").out());
    assertEquals("complete", json.getString("state"));
    assertEquals(2, json.getJsonArray("zones").size());
  }

  @Test
  @Order(2)
  void pinMovesEveryAgentToTheOlderVersionAndUnpinBack() {
    Run pin = run("pin", "m", "v1", "--actor", "ops-alice");
    assertEquals(0, pin.code(), pin.err());
    assertTrue(pin.out().contains("m: target v1 (pinned)"), pin.out());
    system.awaitAllCurrent("m", "v1", 30_000);
    assertEquals(0, run("unpin", "m").code());
    system.awaitAllCurrent("m", "v2", 30_000);
  }

  @Test
  @Order(3)
  void rollbackReturnsEveryAgentToThePreviousVersionAndRefusesASecondOne() {
    Run back = run("rollback", "m", "--actor", "ops-bob");
    assertEquals(0, back.code(), back.err());
    assertTrue(back.out().contains("withdrawn [\"v2\"]"), back.out());
    system.awaitAllCurrent("m", "v1", 30_000);
    Run again = run("rollback", "m");
    assertEquals(1, again.code());
    assertTrue(again.err().contains("409"), again.err());
  }

  @Test
  @Order(4)
  void pauseAndResumeAreRecordedAndUnknownVersionsRefused() {
    assertEquals(0, run("pause", "m", "v1").code());
    assertTrue(run("status").out().matches("(?s).*\\bm\\s+v1\\s+\\d+\\s+\\d+\\s+0\\s+paused.*"));
    assertEquals(0, run("resume", "m", "v1").code());
    Run missing = run("pause", "m", "v9");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("404"), missing.err());
  }

  private static Run run(String... args) {
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--registry";
    full[args.length + 1] = system.cluster.registryEndpoint();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new WeightcastMain()).execute(full);
      return new Run(code, o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
