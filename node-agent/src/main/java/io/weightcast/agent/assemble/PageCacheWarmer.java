package io.weightcast.agent.assemble;

import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.wire.Sizes;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a verified version's files into the page cache before {@code current} moves to it, so
 * the loader's first read runs at memory speed: each file is mapped read-only in windows of
 * {@link #WINDOW} bytes and {@link MappedByteBuffer#load()} touches every page. At most
 * {@code MemAvailable} (/proc/meminfo) bytes are read; the rest stays cold and the report says so.
 *
 * <p>With a lock budget, windows are also locked with {@code mlock(2)} ({@link PageLocks}), first
 * come first served in manifest order, until the budget is spent; warming the next version of a
 * model first releases the locks of its previous version. Locking failures (RLIMIT_MEMLOCK, no
 * JNA) are reported, never fatal. Blocking: call on the disk pool. Thread-safe (lock bookkeeping
 * is synchronized).
 */
public final class PageCacheWarmer {
  private static final Logger LOG = LoggerFactory.getLogger(PageCacheWarmer.class);
  static final long WINDOW = 256L << 20;
  private static final long PAGE = 4096;

  private final boolean enabled;
  private final long lockBudget;
  private final Map<String, List<PageLocks.Locked>> lockedByModel = new HashMap<>();
  private final Map<String, Map.Entry<String, WarmReport>> reports = new HashMap<>();
  private long lockedTotal;

  public PageCacheWarmer(boolean enabled, long lockBudgetBytes) {
    this.enabled = enabled;
    this.lockBudget = lockBudgetBytes;
  }

  public boolean enabled() {
    return enabled;
  }

  /** Warms (and within the budget locks) the files of {@code m} under {@code versionDir}. */
  public WarmReport warm(Path versionDir, Manifest m) throws IOException {
    if (!enabled) {
      return WarmReport.off(m.totalBytes());
    }
    long start = System.nanoTime();
    long memLimit = memAvailable();
    long lockLeft;
    synchronized (this) {
      release(m.model());
      lockLeft = Math.max(0, lockBudget - lockedTotal);
    }
    long othersLocked = lockBudget - lockLeft;
    List<PageLocks.Locked> mine = new ArrayList<>();
    long warmed = 0;
    long locked = 0;
    String lockError = "";
    for (FileEntry f : m.files()) {
      try (FileChannel ch = FileChannel.open(versionDir.resolve(f.path()),
          StandardOpenOption.READ)) {
        long size = ch.size();
        for (long off = 0; off < size && warmed < memLimit; off += WINDOW) {
          long len = Math.min(Math.min(WINDOW, size - off), memLimit - warmed);
          MappedByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, off, len);
          window.load();
          warmed += len;
          long want = len <= lockLeft ? len : lockLeft / PAGE * PAGE;
          if (want > 0 && lockError.isEmpty()) {
            String error = PageLocks.lock(window, want);
            if (error.isEmpty()) {
              mine.add(new PageLocks.Locked(window, want));
              lockLeft -= want;
              locked += want;
            } else {
              lockError = error;
            }
          }
        }
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    WarmReport report = new WarmReport(m.totalBytes(), warmed, locked, lockBudget, millis,
        note(m.totalBytes(), warmed, locked, memLimit, othersLocked, lockError));
    synchronized (this) {
      lockedByModel.put(m.model(), mine);
      lockedTotal += locked;
      reports.put(m.model(), Map.entry(m.version(), report));
    }
    if (report.note().isEmpty()) {
      LOG.info("{}: warmed {} in {} ms", m.id(), Sizes.format(warmed), millis);
    } else {
      LOG.warn("{}: warmed {} of {} in {} ms; {}", m.id(), Sizes.format(warmed),
          Sizes.format(m.totalBytes()), millis, report.note());
    }
    return report;
  }

  /** The report of the last warm-up of this model, if it was of {@code version}. */
  public synchronized java.util.Optional<WarmReport> report(String model, String version) {
    Map.Entry<String, WarmReport> e = reports.get(model);
    return e != null && e.getKey().equals(version) ? java.util.Optional.of(e.getValue())
        : java.util.Optional.empty();
  }

  /** Bytes currently locked across models. */
  public synchronized long lockedBytes() {
    return lockedTotal;
  }

  /** Unlocks everything (agent stop). */
  public synchronized void releaseAll() {
    for (String model : List.copyOf(lockedByModel.keySet())) {
      release(model);
    }
  }

  private void release(String model) {
    List<PageLocks.Locked> old = lockedByModel.remove(model);
    if (old != null) {
      old.forEach(PageLocks::unlock);
      lockedTotal -= old.stream().mapToLong(PageLocks.Locked::bytes).sum();
    }
  }

  private String note(long total, long warmed, long locked, long memLimit, long othersLocked,
      String lockError) {
    List<String> parts = new ArrayList<>();
    if (warmed < total) {
      parts.add("only " + Sizes.format(memLimit) + " of memory available: "
          + Sizes.format(total - warmed) + " left cold");
    }
    if (lockBudget > 0 && locked < warmed) {
      parts.add(lockError.isEmpty()
          ? "locked " + Sizes.format(locked) + " of " + Sizes.format(warmed) + " (lock budget "
              + Sizes.format(lockBudget) + ", " + Sizes.format(othersLocked)
              + " held by other models)"
          : "locked " + Sizes.format(locked) + ", then mlock failed: " + lockError);
    }
    return String.join("; ", parts);
  }

  /** MemAvailable from /proc/meminfo in bytes, or Long.MAX_VALUE where it cannot be read. */
  static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read /proc/meminfo: {}", e.toString());
    }
    return Long.MAX_VALUE;
  }
}
