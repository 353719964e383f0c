package io.weightcast.protocol.safetensors;

import java.util.List;
import java.util.Objects;

/**
 * One tensor of a safetensors file: its name, dtype, shape and the absolute byte range
 * {@code [begin, end)} in the file (header offsets plus {@code 8 + N}).
 */
public record Tensor(String name, Dtype dtype, List<Long> shape, long begin, long end) {
  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("tensor '" + name + "' range [" + begin + ", " + end
          + ") is invalid");
    }
  }

  public long length() {
    return end - begin;
  }
}
