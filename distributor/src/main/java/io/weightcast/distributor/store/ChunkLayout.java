package io.weightcast.distributor.store;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of published chunks (pure). Under {@code chunks/}, a chunk lives in the fan-out
 * directory named by the first two hex digits of its digest:
 * <ul>
 *   <li>{@code ab/<hex>.raw}: the raw bytes; raw length = frame length = file size.</li>
 *   <li>{@code ab/<hex>.<rawLength>.zst}: one zstd frame; the raw length is in the name so the
 *       startup scan lists directories without opening a single chunk.</li>
 *   <li>{@code ab/<hex>.<rawLength>.s2.zst}, {@code ab/<hex>.<rawLength>.s4.zst}: one zstd frame
 *       of the bytes split into 2 or 4 byte planes ({@code zstd-shuffle2}, {@code zstd-shuffle4}).
 *       </li>
 * </ul>
 */
public final class ChunkLayout {
  private static final Pattern NAME =
      Pattern.compile("([0-9a-f]{64})\\.(?:raw|([0-9]{1,19})\\.(?:s([24])\\.)?zst)");

  private ChunkLayout() {}

  /** {@code chunks/ab} for a digest starting with "ab". */
  public static Path fanOutDir(Path chunksDir, Digest digest) {
    return chunksDir.resolve(digest.hex().substring(0, 2));
  }

  public static String fileName(Digest digest, Codec codec, long rawLength) {
    return switch (codec) {
      case RAW -> digest.hex() + ".raw";
      case ZSTD -> digest.hex() + "." + rawLength + ".zst";
      case ZSTD_SHUFFLE2 -> digest.hex() + "." + rawLength + ".s2.zst";
      case ZSTD_SHUFFLE4 -> digest.hex() + "." + rawLength + ".s4.zst";
    };
  }

  public static Path path(Path chunksDir, Digest digest, Codec codec, long rawLength) {
    return fanOutDir(chunksDir, digest).resolve(fileName(digest, codec, rawLength));
  }

  /** A chunk file seen on disk, or empty when the name is not one of ours. */
  public record Entry(Digest digest, StoredChunk chunk) {}

  /** Parses a published file's name and size; empty for names this layout never writes. */
  public static Optional<Entry> parse(Path file, long fileSize) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return Optional.empty();
    }
    Digest digest = Digest.parse(m.group(1));
    if (!file.getParent().getFileName().toString().equals(m.group(1).substring(0, 2))) {
      return Optional.empty();
    }
    if (m.group(2) == null) {
      return Optional.of(new Entry(digest, new StoredChunk(file, Codec.RAW, fileSize, fileSize)));
    }
    long rawLength;
    try {
      rawLength = Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Codec codec = m.group(3) == null ? Codec.ZSTD
        : m.group(3).equals("2") ? Codec.ZSTD_SHUFFLE2 : Codec.ZSTD_SHUFFLE4;
    return Optional.of(new Entry(digest, new StoredChunk(file, codec, rawLength, fileSize)));
  }
}
