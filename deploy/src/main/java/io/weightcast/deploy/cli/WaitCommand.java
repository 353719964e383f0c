package io.weightcast.deploy.cli;

import io.vertx.core.Vertx;
import io.weightcast.protocol.Names;
import io.weightcast.protocol.failure.InvalidManifest;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weightcast wait MODEL}: blocks until the model (a given version, or any) is active on
 * this host, then prints its path. For init containers and start scripts. With {@code --data} it
 * reads the agent's data directory ({@code DATA/models/MODEL/current} only ever names a complete,
 * fsynced version; {@code DATA/state/local/MODEL.json} says whether the newest one failed); with
 * {@code --agent} it follows the agent's local API. Exit codes: {@link WaitOutcome}.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = {"Wait until MODEL (or --version) is active on this host; print its path.",
        "Exit: 0 active, 3 timed out, 4 the version failed here, 5 unknown model, 2 bad usage."})
public final class WaitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "Model name.")
  String model;

  @Option(names = "--version", description = "Wait for this version (default: any).")
  String version;

  @Mixin LocalSourceOptions source = new LocalSourceOptions();

  @Option(names = "--timeout", defaultValue = "10m", description = "Give up after this long: 90s, 10m, 1h (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      Duration limit = parseDuration(timeout);
      requireNames(model, version);
      Vertx vertx = CliSupport.newVertx();
      try {
        ActivationWaiter waiter = new ActivationWaiter(vertx, model, version, source.dataDir(),
            source.agent);
        return print(CliSupport.runOnContext(vertx, v -> waiter.run(limit)));
      } finally {
        vertx.close().await();
      }
    });
  }

  /** Prints the path (success) or the reason; answers the exit code. */
  static int print(WaitOutcome o) {
    if (o.exitCode() == WaitOutcome.ACTIVE) {
      System.out.println(o.text());
    } else {
      System.err.println("error: " + o.text());
    }
    return o.exitCode();
  }

  static void requireNames(String model, String version) {
    try {
      Names.requireModel(model);
      if (version != null) {
        Names.requireVersion(version);
      }
    } catch (InvalidManifest e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** "90s", "10m", "1h", "500ms", or plain seconds. */
  static Duration parseDuration(String text) {
    String t = text.strip().toLowerCase();
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.replaceAll("[smh]$", ""));
      return switch (t.charAt(t.length() - 1)) {
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 90s, 10m, 1h)");
    }
  }
}
