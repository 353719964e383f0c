package io.weightcast.agent.assemble;

/**
 * What {@link PageCacheWarmer} did for one version.
 *
 * @param totalBytes bytes of the version's files
 * @param warmedBytes bytes read into the page cache (less than total when memory was short)
 * @param lockedBytes bytes locked in memory with mlock
 * @param lockBudgetBytes the agent's lock budget at the time (0 = locking off)
 * @param millis time taken
 * @param note why less than everything was warmed or locked ("" when all of it was)
 */
public record WarmReport(long totalBytes, long warmedBytes, long lockedBytes,
    long lockBudgetBytes, long millis, String note) {
  public WarmReport {
    if (totalBytes < 0 || warmedBytes < 0 || lockedBytes < 0 || lockBudgetBytes < 0
        || millis < 0) {
      throw new IllegalArgumentException("byte counts and millis must be >= 0");
    }
    note = note == null ? "" : note;
  }

  /** Nothing warmed: warm-up is off. */
  public static WarmReport off(long totalBytes) {
    return new WarmReport(totalBytes, 0, 0, 0, 0, "warm-up off");
  }
}
