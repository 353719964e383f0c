package io.weightcast.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the shaded weightcast.jar as a user would, in child processes that it cleans up. */
final class JarRunner implements AutoCloseable {
  /** A finished command: exit code and everything it printed. */
  record Result(int exitCode, String output) {}

  private final Path workDir;
  private final List<Process> servers = new ArrayList<>();

  JarRunner(Path workDir) {
    this.workDir = workDir;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("weightcast.jar", "target/weightcast.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("build the jar first: " + jar);
    }
    return jar;
  }

  private ProcessBuilder builder(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
  }

  /** Runs a command to completion (bounded) and answers its result. */
  Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path log = Files.createTempFile(workDir, "cmd", ".log");
    Process p = builder(args).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("'" + String.join(" ", args) + "' did not finish in "
          + timeoutSeconds + " s:\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  /** Starts a server role in the background; stopped by {@link #close()}. */
  Process start(String... args) throws IOException {
    Path log = workDir.resolve(args[0] + "-" + servers.size() + ".log");
    Process p = builder(args).redirectOutput(log.toFile()).start();
    servers.add(p);
    return p;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : servers) {
      p.destroy();
    }
    for (Process p : servers) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
