package io.weightcast.agent.assemble;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.MappedByteBuffer;

/**
 * {@code mlock(2)}/{@code munlock(2)} on mapped windows, through JNA (as {@link Preallocator} does
 * for posix_fallocate). A locked window stays referenced in {@link Locked} so the mapping, and
 * with it the lock, lives until {@link #unlock}. Stateless, thread-safe.
 */
final class PageLocks {
  private static final int ENOMEM = 12;
  private static final int EPERM = 1;

  /** A locked prefix of a mapping. */
  record Locked(MappedByteBuffer window, long bytes) {}

  private PageLocks() {}

  /** Locks the first {@code bytes} of {@code window}; answers "" or why it could not. */
  static String lock(MappedByteBuffer window, long bytes) {
    try {
      LibC libc = Holder.LIBC;
      if (libc == null) {
        return "mlock needs 64-bit Linux";
      }
      if (libc.mlock(Native.getDirectBufferPointer(window), bytes) == 0) {
        return "";
      }
      int errno = Native.getLastError();
      return switch (errno) {
        case ENOMEM -> "ENOMEM (RLIMIT_MEMLOCK too low: raise it or grant CAP_IPC_LOCK)";
        case EPERM -> "EPERM (needs CAP_IPC_LOCK)";
        default -> "errno " + errno;
      };
    } catch (LinkageError e) {
      return "JNA unavailable: " + e;
    }
  }

  static void unlock(Locked locked) {
    LibC libc = Holder.LIBC;
    if (libc != null) {
      libc.munlock(Native.getDirectBufferPointer(locked.window()), locked.bytes());
    }
  }

  /** {@code size_t} is 64-bit on 64-bit Linux. */
  interface LibC extends Library {
    int mlock(Pointer addr, long len);

    int munlock(Pointer addr, long len);
  }

  /** Loaded lazily, in its own class, so a missing JNA only disables locking. */
  private static final class Holder {
    private static final LibC LIBC = Platform.isLinux() && Platform.is64Bit()
        ? Native.load("c", LibC.class) : null;
  }
}
