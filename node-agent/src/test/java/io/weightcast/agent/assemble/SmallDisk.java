package io.weightcast.agent.assemble;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted by a test at {@code dir} (tests run as root; the test is skipped where
 * mount is refused). {@link #close()} unmounts, retrying while mappings of closed files are
 * still being released, then lazily.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (mount's syntax, e.g. "8m") at a fresh {@code dir}. */
  public static SmallDisk mount(Path dir, String size) throws Exception {
    Files.createDirectories(dir);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()),
        "cannot mount a tmpfs here (needs root)");
    return new SmallDisk(dir);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      System.gc();
      if (run("umount", dir.toString())) {
        return;
      }
      Thread.sleep(50);
    }
    assertTrue(run("umount", "-l", dir.toString()), "umount -l " + dir);
  }

  private static boolean run(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
