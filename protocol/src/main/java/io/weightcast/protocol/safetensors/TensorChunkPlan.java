package io.weightcast.protocol.safetensors;

import io.weightcast.protocol.safetensors.SafetensorsLayout.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunk boundaries that follow tensor boundaries (protocol/README.md, "Chunking"), so that a
 * tensor changing size or content moves no boundary outside its own neighbourhood. Pure.
 *
 * <p>With chunk size C, the file is read as a sequence of items: the header {@code [0, 8+N)},
 * then, in offset order, every non-empty tensor and every untyped gap between or after them.
 * <ol>
 *   <li>The header is cut into pieces of C from offset 0 (last piece shorter) and never shares a
 *       chunk.</li>
 *   <li>A large item, length L >= C/4, starts a new chunk and is cut into pieces of C from its
 *       start: boundaries at {@code a + k*C} for k = 1 .. ceil(L/C) - 1, and at its end b.</li>
 *   <li>Small items (L < C/4) are packed in order into the open pack starting at p. A small
 *       item {@code [a, b)} closes the pack at a and opens a new one at a when the pack would
 *       grow past C ({@code b - p > C}) or when the item is an anchor: a tensor whose name n has
 *       {@code u32be(SHA-256(UTF-8(n))[0..4]) mod 8 == 0} (gaps are never anchors). A pack also
 *       closes before every large item and at the end of the file.</li>
 * </ol>
 * Every chunk is at most C bytes. Large items own their chunks; anchors depend only on names, so
 * a change (of content or size) in one tensor changes only its own chunks, or those of its pack
 * up to the next anchor or large item (about 8 small tensors on average), and the header.
 */
public final class TensorChunkPlan {
  private TensorChunkPlan() {}

  /** The end offsets of the chunks, ascending; the last is the file size. Empty for size 0. */
  public static List<Long> ends(Tensors layout, long chunkSize) {
    List<Long> ends = new ArrayList<>();
    pieces(0, layout.dataStart(), chunkSize, ends);
    Packer packer = new Packer(chunkSize, ends);
    long cursor = layout.dataStart();
    for (Tensor t : layout.tensors()) {
      if (t.length() == 0) {
        continue;
      }
      if (t.begin() > cursor) {
        packer.item(cursor, t.begin(), false);
      }
      packer.item(t.begin(), t.end(), isAnchor(t.name()));
      cursor = t.end();
    }
    if (layout.fileSize() > cursor) {
      packer.item(cursor, layout.fileSize(), false);
    }
    packer.close();
    return ends;
  }

  /** Rule 3's anchor test on a tensor name. */
  static boolean isAnchor(String name) {
    byte[] h = io.weightcast.protocol.Digest.sha256(
        name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).bytes();
    return (h[3] & 7) == 0; // u32be(h[0..4]) mod 8 is the low 3 bits of h[3]
  }

  /** Boundaries of fixed pieces of C from {@code start} to {@code end}. */
  private static void pieces(long start, long end, long chunkSize, List<Long> ends) {
    for (long p = start + chunkSize; p < end; p += chunkSize) {
      ends.add(p);
    }
    if (end > start) {
      ends.add(end);
    }
  }

  /** Applies rules 2 and 3 to the items in order. */
  private static final class Packer {
    private final long chunkSize;
    private final List<Long> ends;
    private long packStart = -1;
    private long packEnd;

    Packer(long chunkSize, List<Long> ends) {
      this.chunkSize = chunkSize;
      this.ends = ends;
    }

    void item(long a, long b, boolean anchor) {
      if (b - a >= chunkSize / 4) {
        close();
        pieces(a, b, chunkSize, ends);
        return;
      }
      if (packStart >= 0 && (anchor || b - packStart > chunkSize)) {
        close();
      }
      if (packStart < 0) {
        packStart = a;
      }
      packEnd = b;
    }

    void close() {
      if (packStart >= 0) {
        ends.add(packEnd);
        packStart = -1;
      }
    }
  }
}
