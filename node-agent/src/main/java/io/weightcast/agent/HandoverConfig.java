package io.weightcast.agent;

/**
 * How the agent hands a version to the loader on its host, validated at construction.
 *
 * @param warm read every file of a version into the page cache after it is verified and before
 *     {@code current} moves to it (so the first load reads at memory speed)
 * @param lockBudgetBytes lock at most this many bytes of active versions in memory with
 *     {@code mlock(2)} (0 = lock nothing); what does not fit is warmed but not locked
 * @param localApiRemote serve {@code /v1/local/*} to non-loopback clients too (default: loopback
 *     only; other callers get 403)
 */
public record HandoverConfig(boolean warm, long lockBudgetBytes, boolean localApiRemote) {
  public static final HandoverConfig DEFAULTS = new HandoverConfig(true, 0, false);

  public HandoverConfig {
    if (lockBudgetBytes < 0) {
      throw new IllegalArgumentException("lockBudgetBytes must be >= 0, got " + lockBudgetBytes);
    }
    if (lockBudgetBytes > 0 && !warm) {
      throw new IllegalArgumentException("a lock budget needs warm-up on (--warm=on)");
    }
  }
}
