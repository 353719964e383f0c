package io.weightcast.protocol.safetensors;

import io.weightcast.protocol.safetensors.SafetensorsLayout.Opaque;
import io.weightcast.protocol.safetensors.SafetensorsLayout.Tensors;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors header defensively. Format: 8-byte little-endian unsigned header length N,
 * then N bytes of UTF-8 JSON {@code {"name": {"dtype", "shape", "data_offsets": [b, e]}, ...,
 * "__metadata__": {string: string}}}; offsets are relative to byte {@code 8 + N}. A header that
 * lies yields {@link Opaque} with the reason; nothing here throws for bad input. Pure apart from
 * {@link #read}, which does blocking file I/O.
 */
public final class SafetensorsParser {
  /** Largest header accepted (the reference implementation's limit). */
  public static final long MAX_HEADER = 100_000_000;
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private SafetensorsParser() {}

  /** Reads and checks the header of {@code file}. Blocking. */
  public static SafetensorsLayout read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        return new Opaque("file has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long n = len.flip().getLong();
      SafetensorsLayout bad = checkLength(n, size);
      if (bad != null) {
        return bad;
      }
      ByteBuffer json = ByteBuffer.allocate((int) n);
      readFully(ch, json, 8);
      return parse(size, json.array());
    } catch (IOException e) {
      return new Opaque("cannot read the header: " + e.getMessage());
    }
  }

  /** Checks the header JSON {@code json} (N = its length) of a file of {@code fileSize} bytes. */
  public static SafetensorsLayout parse(long fileSize, byte[] json) {
    SafetensorsLayout bad = checkLength(json.length, fileSize);
    if (bad != null) {
      return bad;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json))
          .toString();
    } catch (CharacterCodingException e) {
      return new Opaque("header is not valid UTF-8");
    }
    Object root;
    try {
      root = JsonReader.parse(text);
    } catch (JsonReader.Malformed e) {
      return new Opaque("header is not JSON: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> entries)) {
      return new Opaque("header is not a JSON object");
    }
    long dataStart = 8L + json.length;
    List<Tensor> tensors = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      String name = (String) e.getKey();
      try {
        if (name.equals("__metadata__")) {
          readMetadata(e.getValue(), metadata);
        } else {
          tensors.add(tensor(name, e.getValue(), dataStart, fileSize));
        }
      } catch (Lie lie) {
        return new Opaque(lie.getMessage());
      }
    }
    tensors.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
    for (int i = 1; i < tensors.size(); i++) {
      Tensor a = tensors.get(i - 1);
      Tensor b = tensors.get(i);
      if (b.begin() < a.end()) {
        return new Opaque("tensors '" + a.name() + "' and '" + b.name() + "' overlap");
      }
    }
    return new Tensors(fileSize, dataStart, tensors, metadata);
  }

  private static SafetensorsLayout checkLength(long n, long fileSize) {
    if (n < 2 || n > MAX_HEADER) {
      return new Opaque("header length " + Long.toUnsignedString(n) + " is outside [2, "
          + MAX_HEADER + "]");
    }
    if (n > fileSize - 8) {
      return new Opaque("header length " + n + " is larger than the file (" + fileSize
          + " bytes)");
    }
    return null;
  }

  /** One lie in the header; becomes the reason of {@link Opaque}. */
  private static final class Lie extends Exception {
    Lie(String message) {
      super(message, null, false, false);
    }
  }

  private static void readMetadata(Object value, Map<String, String> out) throws Lie {
    if (!(value instanceof Map<?, ?> m)) {
      throw new Lie("__metadata__ is not an object");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new Lie("__metadata__ value of '" + e.getKey() + "' is not a string");
      }
      out.put((String) e.getKey(), s);
    }
  }

  private static Tensor tensor(String name, Object value, long dataStart, long fileSize)
      throws Lie {
    if (!(value instanceof Map<?, ?> m)) {
      throw new Lie("tensor '" + name + "' is not an object");
    }
    if (!(m.get("dtype") instanceof String dtypeName)) {
      throw new Lie("tensor '" + name + "' has no dtype string");
    }
    Dtype dtype = Dtype.named(dtypeName)
        .orElseThrow(() -> new Lie("tensor '" + name + "' has unknown dtype '" + dtypeName + "'"));
    List<Long> shape = longs(name, "shape", m.get("shape"));
    List<Long> offsets = longs(name, "data_offsets", m.get("data_offsets"));
    if (offsets.size() != 2) {
      throw new Lie("tensor '" + name + "' data_offsets has " + offsets.size()
          + " numbers, not 2");
    }
    long begin = offsets.get(0);
    long end = offsets.get(1);
    if (end < begin) {
      throw new Lie("tensor '" + name + "' ends (" + end + ") before it begins (" + begin + ")");
    }
    if (end > fileSize - dataStart) {
      throw new Lie("tensor '" + name + "' ends at data offset " + end + ", past the end of the "
          + "file (" + (fileSize - dataStart) + " data bytes)");
    }
    long bytes = dtype.width();
    try {
      for (long d : shape) {
        bytes = Math.multiplyExact(bytes, d);
      }
    } catch (ArithmeticException e) {
      throw new Lie("tensor '" + name + "' shape " + shape + " overflows");
    }
    if (bytes != end - begin) {
      throw new Lie("tensor '" + name + "' shape " + shape + " x " + dtype.width() + " bytes = "
          + bytes + " but data_offsets span " + (end - begin));
    }
    return new Tensor(name, dtype, shape, dataStart + begin, dataStart + end);
  }

  private static List<Long> longs(String name, String field, Object value) throws Lie {
    if (!(value instanceof List<?> list)) {
      throw new Lie("tensor '" + name + "' " + field + " is not an array");
    }
    if (list.size() > 64) {
      throw new Lie("tensor '" + name + "' " + field + " has " + list.size() + " entries");
    }
    List<Long> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof BigInteger b) || b.signum() < 0 || b.compareTo(LONG_MAX) > 0) {
        throw new Lie("tensor '" + name + "' " + field + " holds " + describe(o)
            + ", not an integer in [0, 2^63)");
      }
      out.add(b.longValue());
    }
    return out;
  }

  private static String describe(Object o) {
    return o == JsonReader.NULL ? "null" : String.valueOf(o);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("file shrank while reading the header");
      }
      pos += n;
    }
  }
}
