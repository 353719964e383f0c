package io.weightcast.perf.codec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads TFJS graph models (model.json + .bin shards) and sorts their weight bytes by storage
 * dtype. The weightsManifest lists groups; a group's {@code paths} are concatenated in order and
 * its {@code weights} tile that byte stream in order, each {@code prod(shape) x width} bytes,
 * where the width is that of {@code quantization.dtype} when present (float16: 2, uint8: 1,
 * uint16: 2) and of {@code dtype} otherwise (float32, int32: 4; bool: 1). A weight whose storage
 * is float16 is fp16; float32 without quantization is fp32; everything else is skipped.
 * Blocking; for benchmarks only.
 */
final class TfjsWeights {
  final ByteArrayOutputStream fp16 = new ByteArrayOutputStream();
  final ByteArrayOutputStream fp32 = new ByteArrayOutputStream();
  long skippedBytes;
  int models;

  static TfjsWeights read(Path modelsDir) throws IOException {
    TfjsWeights out = new TfjsWeights();
    List<Path> jsons;
    try (Stream<Path> s = Files.list(modelsDir)) {
      jsons = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path json : jsons) {
      JsonArray manifest = new JsonObject(Files.readString(json)).getJsonArray("weightsManifest");
      if (manifest == null) {
        continue;
      }
      out.models++;
      for (int g = 0; g < manifest.size(); g++) {
        out.readGroup(json.getParent(), manifest.getJsonObject(g));
      }
    }
    return out;
  }

  private void readGroup(Path dir, JsonObject group) throws IOException {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (Object p : group.getJsonArray("paths")) {
      joined.write(Files.readAllBytes(dir.resolve((String) p)));
    }
    byte[] bytes = joined.toByteArray();
    int at = 0;
    for (Object o : group.getJsonArray("weights")) {
      JsonObject w = (JsonObject) o;
      String dtype = w.getString("dtype");
      JsonObject q = w.getJsonObject("quantization");
      String stored = q != null ? q.getString("dtype") : dtype;
      long count = 1;
      for (Object d : w.getJsonArray("shape")) {
        count *= ((Number) d).longValue();
      }
      int length = Math.toIntExact(count * width(stored));
      if (at + length > bytes.length) {
        throw new IOException("weight " + w.getString("name") + " runs past the end of "
            + group.getJsonArray("paths"));
      }
      if (stored.equals("float16")) {
        fp16.write(bytes, at, length);
      } else if (stored.equals("float32") && dtype.equals("float32")) {
        fp32.write(bytes, at, length);
      } else {
        skippedBytes += length;
      }
      at += length;
    }
  }

  private static int width(String dtype) throws IOException {
    return switch (dtype) {
      case "float32", "int32" -> 4;
      case "float16", "uint16", "int16" -> 2;
      case "uint8", "int8", "bool" -> 1;
      default -> throw new IOException("unknown TFJS dtype " + dtype);
    };
  }

  /**
   * bf16 derived from little-endian fp32 by round-to-nearest-even on the top 16 bits; NaNs stay
   * (quiet) NaNs.
   */
  static byte[] bf16FromFp32(byte[] fp32) {
    byte[] out = new byte[fp32.length / 2];
    for (int i = 0, o = 0; i + 3 < fp32.length; i += 4, o += 2) {
      int bits = (fp32[i] & 0xFF) | (fp32[i + 1] & 0xFF) << 8 | (fp32[i + 2] & 0xFF) << 16
          | (fp32[i + 3] & 0xFF) << 24;
      int bf;
      if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x007FFFFF) != 0) {
        bf = (bits >>> 16) | 0x0040;
      } else {
        bf = (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
      }
      out[o] = (byte) bf;
      out[o + 1] = (byte) (bf >>> 8);
    }
    return out;
  }

  static List<byte[]> frames(byte[] all, int frameSize) {
    List<byte[]> out = new ArrayList<>();
    for (int at = 0; at < all.length; at += frameSize) {
      out.add(java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + frameSize)));
    }
    return out;
  }
}
