package io.weightcast.deploy.cli;

import io.weightcast.protocol.wire.Sizes;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one long-running step: bytes done of a total, rate and ETA. On a terminal it redraws
 * one line; otherwise it prints a plain log line at most every {@link #PLAIN_INTERVAL_MS}.
 * Thread-safe: {@link #add} may be called from any thread; {@link #tick} from one timer.
 */
public final class ConsoleProgress {
  static final long PLAIN_INTERVAL_MS = 5_000;

  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private long lastPlainMs;

  public ConsoleProgress(String label, long total, PrintStream out, boolean terminal) {
    this.label = label;
    this.total = total;
    this.out = out;
    this.terminal = terminal;
  }

  /** A progress line on stderr, redrawn when stderr is a terminal. */
  public static ConsoleProgress onStderr(String label, long total) {
    return new ConsoleProgress(label, total, System.err, System.console() != null);
  }

  public void add(long bytes) {
    done.addAndGet(bytes);
  }

  public long done() {
    return done.get();
  }

  /** Call periodically (e.g. every 250 ms). */
  public synchronized void tick() {
    long now = System.currentTimeMillis();
    if (terminal) {
      out.print("\r" + line() + "   ");
      out.flush();
    } else if (now - lastPlainMs >= PLAIN_INTERVAL_MS) {
      lastPlainMs = now;
      out.println(line());
    }
  }

  /** Prints the final line. */
  public synchronized void finish() {
    if (terminal) {
      out.print("\r" + line() + "   \n");
    } else {
      out.println(line());
    }
    out.flush();
  }

  /** "label  1.2 GiB / 2.0 GiB  60%  850.3 MB/s  ETA 1s". */
  public String line() {
    long d = done.get();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    double rate = d / seconds;
    String pct = total > 0 ? String.format(Locale.ROOT, "%3d%%", d * 100 / total) : "";
    String eta = rate > 0 && total > d
        ? "ETA " + Math.round((total - d) / rate) + "s" : (d >= total ? "done" : "ETA ?");
    return String.format(Locale.ROOT, "%-10s %9s / %-9s %s  %s  %s", label, Sizes.format(d),
        Sizes.format(total), pct, Sizes.rate(rate), eta);
  }
}
