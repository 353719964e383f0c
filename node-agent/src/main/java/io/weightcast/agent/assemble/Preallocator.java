package io.weightcast.agent.assemble;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.weightcast.protocol.failure.NoSpace;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reserves the blocks of a staged file before any chunk is written into it. A mapping over a
 * sparse file is slow to fill and turns ENOSPC into SIGBUS (STACK-NOTES "Files and memory maps"),
 * so on Linux this calls {@code posix_fallocate(3)} through JNA; where JNA or libc is unavailable,
 * or the filesystem cannot preallocate, it falls back to {@link RandomAccessFile#setLength}
 * (sparse; then only the up-front free-space check guards against ENOSPC). Stateless, thread-safe.
 */
final class Preallocator {
  private static final Logger LOG = LoggerFactory.getLogger(Preallocator.class);
  private static final boolean NATIVE = probe();

  private Preallocator() {}

  /** Whether real preallocation is available (false: files are made sparse). */
  static boolean isNative() {
    return NATIVE;
  }

  /**
   * Makes {@code file} (created if missing, never through a symlink) {@code size} bytes long with
   * its blocks allocated. Fails with {@link NoSpace} when the filesystem is full.
   */
  static void allocate(Path file, long size) throws IOException {
    if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(file);
    } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a regular file: " + file);
    }
    if (size == 0) {
      return;
    }
    if (NATIVE && Posix.fallocate(file, size)) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      if (raf.length() < size) {
        raf.setLength(size);
      }
    }
  }

  private static boolean probe() {
    try {
      return Posix.LIBC != null;
    } catch (LinkageError e) {
      LOG.warn("JNA unavailable, staged files will be sparse: {}", e.toString());
      return false;
    }
  }

  /** The JNA side, in its own class so that a missing JNA jar only disables preallocation. */
  private static final class Posix {
    // Linux errno values and open(2) flags, identical on x86_64 and aarch64.
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;
    private static final int EOPNOTSUPP = 95;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final LibC LIBC = load();

    /** The few libc calls needed; {@code off_t} is 64-bit on 64-bit Linux. */
    interface LibC extends Library {
      /** {@code path} is NUL-terminated bytes, encoded as the JDK encodes file names. */
      int open(byte[] path, int flags);

      int close(int fd);

      /** Returns 0 or an error number (it does not set errno). */
      int posix_fallocate(int fd, long offset, long length);
    }

    /** Returns false when the filesystem cannot preallocate (the caller falls back). */
    static boolean fallocate(Path file, long size) throws IOException {
      int fd = LIBC.open(nativePath(file), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        throw new IOException("cannot open " + file + " to preallocate: errno "
            + Native.getLastError());
      }
      try {
        int rc = LIBC.posix_fallocate(fd, 0, size);
        if (rc == ENOSPC) {
          throw new NoSpace("no space left on device to preallocate " + size + " bytes for "
              + file);
        }
        if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
          throw new IOException("posix_fallocate(" + file + ", " + size + ") failed: errno " + rc);
        }
        return rc == 0;
      } finally {
        LIBC.close(fd);
      }
    }

    /** The JDK encodes Unix file names with {@code sun.jnu.encoding}; JNA must pass the same. */
    private static byte[] nativePath(Path file) {
      Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
      byte[] name = file.toString().getBytes(charset);
      return Arrays.copyOf(name, name.length + 1);
    }

    private static LibC load() {
      if (!Platform.isLinux() || !Platform.is64Bit()) {
        return null;
      }
      try {
        return Native.load("c", LibC.class);
      } catch (UnsatisfiedLinkError e) {
        LOG.warn("libc posix_fallocate unavailable, staged files will be sparse: {}", e.toString());
        return null;
      }
    }
  }
}
