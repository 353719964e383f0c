package io.weightcast.deploy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weightcast wait MODEL}: blocks until the model (a given version, or any) is active on
 * this host, then prints its path. For init containers and start scripts. Reads the agent's data
 * directory: {@code DATA/models/MODEL/current} only ever names a complete, fsynced version.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
    description = "Wait until MODEL (or --version) is active on this host; print its path.")
public final class WaitCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "Model name.")
  String model;

  @Option(names = "--version", description = "Wait for this version (default: any).")
  String version;

  @Option(names = "--data", defaultValue = "${env:WEIGHTCAST_DATA:-/var/lib/weightcast}", description = "The agent's data directory (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--timeout", defaultValue = "10m", description = "Give up after this long: 90s, 10m, 1h (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      long deadline = System.nanoTime() + parseDuration(timeout).toNanos();
      Path current = data.resolve("models").resolve(model).resolve("current");
      while (true) {
        Optional<Path> active = active(current);
        if (active.isPresent()) {
          System.out.println(active.get());
          return 0;
        }
        if (System.nanoTime() > deadline) {
          System.err.println("error: " + model + (version == null ? "" : " " + version)
              + " is not active under " + data + " after " + timeout
              + active(current).map(p -> "").orElse(" (current: "
                  + describe(current) + ")"));
          return 3;
        }
        Thread.sleep(200);
      }
    });
  }

  /** The active version's directory, if it is the one waited for. */
  private Optional<Path> active(Path current) {
    try {
      if (!Files.isSymbolicLink(current)) {
        return Optional.empty();
      }
      String name = Files.readSymbolicLink(current).toString();
      if (version != null && !version.equals(name)) {
        return Optional.empty();
      }
      return Optional.of(current.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String describe(Path current) {
    try {
      return Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).toString() : "none";
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
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
