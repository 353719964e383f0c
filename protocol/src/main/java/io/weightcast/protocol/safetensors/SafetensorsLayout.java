package io.weightcast.protocol.safetensors;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a file's safetensors header says, after checking that it tells the truth: either the
 * tensors ({@link Tensors}) or why the file must be treated as opaque bytes ({@link Opaque}).
 * Parsing never rejects a file ({@link SafetensorsParser}).
 */
public sealed interface SafetensorsLayout {

  /**
   * A truthful header: the header region is {@code [0, dataStart)}; tensors are sorted by
   * {@code begin}, do not overlap and lie inside {@code [dataStart, fileSize)}. Bytes of the
   * data region covered by no tensor (allowed gaps, trailing bytes) are untyped.
   */
  record Tensors(long fileSize, long dataStart, List<Tensor> tensors,
      Map<String, String> metadata) implements SafetensorsLayout {
    public Tensors {
      tensors = List.copyOf(tensors);
      metadata = Map.copyOf(metadata);
    }

    /**
     * The element width shared by every byte of {@code [start, end)} when the range lies
     * entirely inside tensors of one width (possibly several tensors); empty otherwise (header
     * bytes, untyped gaps, mixed widths).
     */
    public OptionalInt uniformWidth(long start, long end) {
      if (start < dataStart || end <= start) {
        return OptionalInt.empty();
      }
      int lo = 0;
      int hi = tensors.size() - 1;
      int first = -1;
      while (lo <= hi) { // the first tensor whose end is after start
        int mid = (lo + hi) >>> 1;
        if (tensors.get(mid).end() > start) {
          first = mid;
          hi = mid - 1;
        } else {
          lo = mid + 1;
        }
      }
      if (first < 0) {
        return OptionalInt.empty();
      }
      long covered = start;
      int width = -1;
      for (int t = first; t < tensors.size() && covered < end; t++) {
        Tensor x = tensors.get(t);
        if (x.length() == 0) {
          continue;
        }
        if (x.begin() > covered || (width >= 0 && x.dtype().width() != width)) {
          return OptionalInt.empty();
        }
        width = x.dtype().width();
        covered = x.end();
      }
      return covered >= end ? OptionalInt.of(width) : OptionalInt.empty();
    }
  }

  /** The file is not (truthful) safetensors; {@code reason} says what was wrong. */
  record Opaque(String reason) implements SafetensorsLayout {}
}
