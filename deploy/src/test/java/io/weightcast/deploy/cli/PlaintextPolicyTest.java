package io.weightcast.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.deploy.WeightcastMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Plain h2c is off by default outside loopback: a role without TLS refuses a non-loopback
 * address (before it binds or joins anything) unless --plaintext says the operator means it.
 */
class PlaintextPolicyTest {
  @TempDir Path dir;

  @Test
  void everyRoleRefusesANonLoopbackAddressWithoutTlsOrConsent() throws Exception {
    String[][] roles = {
        {"registry", "--port", "0", "--data", dir.resolve("r").toString()},
        {"distributor", "--port", "0", "--data", dir.resolve("d").toString()},
        {"agent", "--registry", "127.0.0.1:1", "--node-id", "gpu-1",
            "--data", dir.resolve("a").toString()}};
    for (String[] role : roles) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream saved = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = new CommandLine(new WeightcastMain()).execute(role);
      } finally {
        System.setErr(saved);
      }
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, role[0] + ": " + message);
      assertTrue(message.contains(role[0] + " would serve 0.0.0.0 without TLS")
          && message.contains("--plaintext") && message.contains("--tls-cert"), message);
      assertFalse(Files.exists(dir.resolve(role[0].substring(0, 1))),
          role[0] + " created nothing before refusing");
    }
  }

  @Test
  void loopbackTlsOrPlaintextConsentIsServed() {
    assertThrows(IllegalArgumentException.class, () -> options().serving("registry", "0.0.0.0"));
    assertFalse(options().serving("registry", "127.0.0.1").tls().serves());
    assertFalse(options().serving("agent", "localhost").tls().serves());
    assertFalse(options("--plaintext").serving("distributor", "10.0.0.7").tls().serves());
  }

  private static SecurityOptions options(String... args) {
    SecurityOptions o = new SecurityOptions();
    new CommandLine(o).parseArgs(args);
    return o;
  }
}
