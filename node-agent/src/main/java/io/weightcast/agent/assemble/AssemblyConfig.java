package io.weightcast.agent.assemble;

/**
 * How a {@link VersionAssembly} opens and publishes a version.
 *
 * @param freeSpaceMargin bytes that must stay free on the data filesystem after preallocation:
 *     open fails with {@code NoSpace} when {@code usable < needed + freeSpaceMargin}
 * @param reverifyOnOpen re-hash the chunks the journal says are done when resuming (costs a read
 *     of everything already written; catches bytes damaged behind the agent's back)
 * @param verifyFilesOnFinish re-hash every file against its manifest digest before publishing
 */
public record AssemblyConfig(long freeSpaceMargin, boolean reverifyOnOpen,
    boolean verifyFilesOnFinish) {
  public static final long DEFAULT_FREE_SPACE_MARGIN = 64L * 1024 * 1024;
  public static final AssemblyConfig DEFAULTS =
      new AssemblyConfig(DEFAULT_FREE_SPACE_MARGIN, false, false);

  public AssemblyConfig {
    if (freeSpaceMargin < 0) {
      throw new IllegalArgumentException("freeSpaceMargin must be >= 0, got " + freeSpaceMargin);
    }
  }

  public AssemblyConfig withFreeSpaceMargin(long bytes) {
    return new AssemblyConfig(bytes, reverifyOnOpen, verifyFilesOnFinish);
  }

  public AssemblyConfig withReverifyOnOpen(boolean on) {
    return new AssemblyConfig(freeSpaceMargin, on, verifyFilesOnFinish);
  }

  public AssemblyConfig withVerifyFilesOnFinish(boolean on) {
    return new AssemblyConfig(freeSpaceMargin, reverifyOnOpen, on);
  }
}
