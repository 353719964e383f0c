package io.weightcast.protocol.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.safetensors.SafetensorsLayout.Opaque;
import io.weightcast.protocol.safetensors.SafetensorsLayout.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsParserTest {
  @TempDir
  Path dir;

  private static final String VALID = "{\"__metadata__\":{\"format\":\"pt\"},"
      + "\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]},"
      + "\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]},"
      + "\"m\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[24,27]}}";

  /** A file: 8-byte length (the given one), header bytes, then {@code data} zero bytes. */
  private Path file(long declaredLength, byte[] header, int data) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLength).put(header);
    return Files.write(dir.resolve("m.safetensors"), b.array());
  }

  private Path file(String json, int data) throws Exception {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    return file(h.length, h, data);
  }

  private static String opaque(SafetensorsLayout l) {
    return assertInstanceOf(Opaque.class, l, () -> "expected opaque, got " + l).reason();
  }

  @Test
  void readsTensorsWithAbsoluteRangesSortedByOffset() throws Exception {
    Path f = file(VALID, 27);
    Tensors t = assertInstanceOf(Tensors.class, SafetensorsParser.read(f));
    long start = 8 + VALID.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(start, t.dataStart());
    assertEquals(List.of("a", "b", "m"), t.tensors().stream().map(Tensor::name).toList());
    Tensor b = t.tensors().get(1);
    assertEquals(Dtype.F32, b.dtype());
    assertEquals(4, b.dtype().width());
    assertEquals(List.of(2L, 2L), b.shape());
    assertEquals(start + 8, b.begin());
    assertEquals(start + 24, b.end());
    assertEquals("pt", t.metadata().get("format"));
  }

  @Test
  void uniformWidthOnlyInsideTensorsOfOneWidth() throws Exception {
    Tensors t = assertInstanceOf(Tensors.class, SafetensorsParser.read(file(VALID, 27)));
    long s = t.dataStart();
    assertEquals(OptionalInt.of(2), t.uniformWidth(s, s + 8));
    assertEquals(OptionalInt.of(4), t.uniformWidth(s + 10, s + 24));
    assertEquals(OptionalInt.empty(), t.uniformWidth(s + 4, s + 12), "BF16 then F32");
    assertEquals(OptionalInt.empty(), t.uniformWidth(0, s + 8), "includes the header");
    assertEquals(OptionalInt.empty(), t.uniformWidth(s + 24, s + 28), "past the last tensor");
  }

  @Test
  void offsetsPastTheEndAreOpaque() throws Exception {
    assertTrue(opaque(SafetensorsParser.read(file(VALID, 26))).contains("past the end"));
  }

  @Test
  void overlappingTensorsAreOpaque() throws Exception {
    String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}}";
    assertTrue(opaque(SafetensorsParser.read(file(json, 12))).contains("overlap"));
  }

  @Test
  void headerLengthLargerThanTheFileIsOpaque() throws Exception {
    byte[] h = VALID.getBytes(StandardCharsets.UTF_8);
    assertTrue(opaque(SafetensorsParser.read(file(h.length + 1000L, h, 27)))
        .contains("larger than the file"));
    assertTrue(opaque(SafetensorsParser.read(file(-1L, h, 27))).contains("outside"));
    Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
    assertTrue(opaque(SafetensorsParser.read(tiny)).contains("fewer than"));
  }

  @Test
  void nonUtf8HeaderIsOpaque() throws Exception {
    byte[] h = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}"
        .getBytes(StandardCharsets.UTF_8);
    h[3] = (byte) 0xC3; // a lead byte followed by an ASCII byte: malformed
    assertTrue(opaque(SafetensorsParser.read(file(h.length, h, 1))).contains("UTF-8"));
  }

  @Test
  void malformedJsonIsOpaque() throws Exception {
    for (String json : List.of("{\"a\":", "[1,2]", "{\"a\":{}} x", "{\"a\":1,\"a\":2}",
        "[".repeat(200) + "]".repeat(200))) {
      String reason = opaque(SafetensorsParser.read(file(json, 0)));
      assertTrue(reason.contains("JSON"), reason);
    }
  }

  @Test
  void unknownDtypeIsOpaque() throws Exception {
    String json = "{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    assertTrue(opaque(SafetensorsParser.read(file(json, 1))).contains("unknown dtype 'Q4_K'"));
  }

  @Test
  void negativeHugeOrFractionalNumbersAreOpaque() throws Exception {
    for (String bad : List.of("[-1,0]", "[0,99999999999999999999999]", "[0.5,1]", "[0]",
        "[8,0]", "[0,null]")) {
      String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":" + bad + "}}";
      opaque(SafetensorsParser.read(file(json, 8)));
    }
    String overflow = "{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],"
        + "\"data_offsets\":[0,8]}}";
    assertTrue(opaque(SafetensorsParser.read(file(overflow, 8))).contains("overflows"));
  }

  @Test
  void shapeThatDisagreesWithTheRangeIsOpaque() throws Exception {
    String json = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}";
    assertTrue(opaque(SafetensorsParser.read(file(json, 8))).contains("data_offsets span 8"));
  }

  @Test
  void jsonReaderHandlesEscapesAndNumbers() {
    Object v = JsonReader.parse(" {\"k\\u00e9\\n\":[true,false,null,-0,1.5e3,\"\\\"\"]} ");
    assertEquals("{ké\n=[true, false, NULL, 0, 1500.0, \"]}",
        v.toString().replace(JsonReader.NULL.toString(), "NULL"));
  }
}
