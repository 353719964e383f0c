package io.weightcast.registry.store;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ManifestText;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.signing.ManifestSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable, append-only log of committed versions: {@code DATA/versions.log}.
 * Blocking; one writer at a time (the registry serialises commits), so not thread-safe.
 *
 * <p>Record: {@code [u32 payloadLength][u32 crc32c(payload)][payload]}, big-endian, payload UTF-8:
 * {@code "seq N\ncommitted-at MS\n"}, then {@code "signature KEYID BASE64\n"} when the version
 * is signed (logs written before signing existed have no such line and still replay), then the
 * canonical manifest text. A record is durable
 * once {@link #append} returns (the channel is forced). On open, a torn or corrupt tail (a crash
 * mid-append, never acknowledged) is cut off; corruption before the tail stops the replay there.
 */
public final class VersionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionLog.class);
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 256 * 1024 * 1024;
  private static final String SIGNATURE = "signature ";

  private final Path file;
  private final FileChannel channel;
  private final List<CommittedVersion> replayed;

  private VersionLog(Path file, FileChannel channel, List<CommittedVersion> replayed) {
    this.file = file;
    this.channel = channel;
    this.replayed = replayed;
  }

  /** Opens (creating) the log in {@code dataDir} and replays it. */
  public static VersionLog open(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Path file = dataDir.resolve("versions.log");
      boolean created = !Files.exists(file);
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      if (created) {
        fsyncDirectory(dataDir);
      }
      List<CommittedVersion> versions = new ArrayList<>();
      long goodEnd = replay(ch, versions);
      if (goodEnd < ch.size()) {
        LOG.warn("{}: cutting {} bytes of torn tail after record {}", file, ch.size() - goodEnd,
            versions.size());
        ch.truncate(goodEnd);
        ch.force(true);
      }
      ch.position(goodEnd);
      return new VersionLog(file, ch, versions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open version log in " + dataDir + ": "
          + e.getMessage(), e);
    }
  }

  /** The versions read at open, in sequence order. */
  public List<CommittedVersion> replayed() {
    return List.copyOf(replayed);
  }

  /** Appends and forces one record; when this returns the version survives a crash. */
  public void append(CommittedVersion version) {
    byte[] payload = encode(version);
    ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record payload (also the replicated form, registry/.../cluster). */
  public static byte[] encode(CommittedVersion v) {
    String text = "seq " + v.sequence() + "\ncommitted-at " + v.committedAtMs() + "\n"
        + v.signature().map(s -> SIGNATURE + s.encode() + "\n").orElse("")
        + ManifestText.encode(v.manifest());
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static CommittedVersion decode(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    int first = text.indexOf('\n');
    int second = text.indexOf('\n', first + 1);
    if (!text.startsWith("seq ") || first < 0 || second < 0
        || !text.startsWith("committed-at ", first + 1)) {
      throw new InvalidManifest("log record header is malformed");
    }
    long seq = Long.parseLong(text.substring(4, first));
    long at = Long.parseLong(text.substring(first + 1 + "committed-at ".length(), second));
    Optional<ManifestSignature> signature = Optional.empty();
    int manifestStart = second + 1;
    if (text.startsWith(SIGNATURE, manifestStart)) {
      int end = text.indexOf('\n', manifestStart);
      if (end < 0) {
        throw new InvalidManifest("log record signature line is malformed");
      }
      try {
        signature = Optional.of(ManifestSignature.decode(
            text.substring(manifestStart + SIGNATURE.length(), end)));
      } catch (IllegalArgumentException e) {
        throw new InvalidManifest("log record signature is malformed: " + e.getMessage(), e);
      }
      manifestStart = end + 1;
    }
    return CommittedVersion.of(ManifestText.decode(text.substring(manifestStart)), seq, at,
        signature);
  }

  /** Reads records into {@code out}; answers the offset after the last good record. */
  private static long replay(FileChannel ch, List<CommittedVersion> out) throws IOException {
    long pos = 0;
    long size = ch.size();
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (pos + HEADER <= size) {
      header.clear();
      ch.read(header, pos);
      header.flip();
      int length = header.getInt();
      int expectedCrc = header.getInt();
      if (length <= 0 || length > MAX_RECORD || pos + HEADER + length > size) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      while (payload.hasRemaining()) {
        if (ch.read(payload, pos + HEADER + payload.position()) < 0) {
          break;
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(payload.array());
      if ((int) crc.getValue() != expectedCrc) {
        break;
      }
      CommittedVersion v = decode(payload.array());
      long expectedSeq = out.isEmpty() ? 1 : out.get(out.size() - 1).sequence() + 1;
      if (v.sequence() != expectedSeq) {
        throw new IllegalStateException("version log out of sequence: record " + v.sequence()
            + " where " + expectedSeq + " was expected");
      }
      out.add(v);
      pos += HEADER + length;
    }
    return pos;
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
