package io.weightcast.agent.assemble;

/**
 * How a {@link VersionAssembly} opens, commits and publishes a version.
 *
 * @param freeSpaceMargin bytes that must stay free on the data filesystem after preallocation:
 *     open fails with {@code NoSpace} when {@code usable < needed + freeSpaceMargin}
 * @param reverifyOnOpen re-hash the chunks the journal says are done when resuming (costs a read
 *     of everything already written; catches bytes damaged behind the agent's back)
 * @param verifyFilesOnFinish re-hash every file against its manifest digest before publishing
 * @param commitBytes group commit: written chunks are made durable together (one fdatasync per
 *     touched file, then one journal force) once they hold at least this many bytes; 0 commits
 *     every chunk on its own. A crash loses at most this much (plus {@code commitAgeMillis} of
 *     writes) from the journal, which is refetched on resume.
 * @param commitAgeMillis ... or once the oldest uncommitted chunk has waited this long (checked
 *     when a chunk is written; finish, close and reverify commit whatever is left)
 */
public record AssemblyConfig(long freeSpaceMargin, boolean reverifyOnOpen,
    boolean verifyFilesOnFinish, long commitBytes, long commitAgeMillis) {
  public static final long DEFAULT_FREE_SPACE_MARGIN = 64L * 1024 * 1024;
  public static final long DEFAULT_COMMIT_BYTES = 64L * 1024 * 1024;
  public static final long DEFAULT_COMMIT_AGE_MILLIS = 200;
  public static final AssemblyConfig DEFAULTS = new AssemblyConfig(DEFAULT_FREE_SPACE_MARGIN,
      false, false, DEFAULT_COMMIT_BYTES, DEFAULT_COMMIT_AGE_MILLIS);

  public AssemblyConfig {
    if (freeSpaceMargin < 0) {
      throw new IllegalArgumentException("freeSpaceMargin must be >= 0, got " + freeSpaceMargin);
    }
    if (commitBytes < 0) {
      throw new IllegalArgumentException("commitBytes must be >= 0, got " + commitBytes);
    }
    if (commitAgeMillis < 0) {
      throw new IllegalArgumentException("commitAgeMillis must be >= 0, got " + commitAgeMillis);
    }
  }

  public AssemblyConfig withFreeSpaceMargin(long bytes) {
    return new AssemblyConfig(bytes, reverifyOnOpen, verifyFilesOnFinish, commitBytes,
        commitAgeMillis);
  }

  public AssemblyConfig withReverifyOnOpen(boolean on) {
    return new AssemblyConfig(freeSpaceMargin, on, verifyFilesOnFinish, commitBytes,
        commitAgeMillis);
  }

  public AssemblyConfig withVerifyFilesOnFinish(boolean on) {
    return new AssemblyConfig(freeSpaceMargin, reverifyOnOpen, on, commitBytes, commitAgeMillis);
  }

  public AssemblyConfig withGroupCommit(long bytes, long ageMillis) {
    return new AssemblyConfig(freeSpaceMargin, reverifyOnOpen, verifyFilesOnFinish, bytes,
        ageMillis);
  }
}
