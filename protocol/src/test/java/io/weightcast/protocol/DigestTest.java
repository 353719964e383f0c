package io.weightcast.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.failure.InvalidArgument;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void hashesAbcToTheKnownVector() {
    assertEquals(ABC, Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII)).hex());
  }

  @Test
  void hashesEmptyInputToTheKnownVector() {
    assertEquals(EMPTY, Digest.sha256(new byte[0]).hex());
  }

  @Test
  void parsesAndPrintsHexRoundTrip() {
    Digest d = Digest.parse(ABC);
    assertEquals(ABC, d.hex());
    assertEquals(ABC, d.toString());
    assertEquals(d, Digest.parse(d.hex()));
    assertEquals(d, Digest.of(d.bytes()));
  }

  @Test
  void acceptsUppercaseHexAndPrintsLowercase() {
    Digest d = Digest.parse(ABC.toUpperCase());
    assertEquals(ABC, d.hex());
    assertEquals(Digest.parse(ABC), d);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
      "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      " a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "0xa816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ba7816bf-f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})
  void rejectsMalformedHexAsInvalidArgument(String hex) {
    InvalidArgument e = assertThrows(InvalidArgument.class, () -> Digest.parse(hex));
    assertTrue(e.getMessage().contains("64 hex digits"), e.getMessage());
  }

  @Test
  void rejectsWrongByteCount() {
    assertThrows(InvalidArgument.class, () -> Digest.of(new byte[31]));
    assertThrows(InvalidArgument.class, () -> Digest.of(new byte[33]));
    assertThrows(InvalidArgument.class, () -> Digest.of(null));
  }

  @Test
  void copiesBytesInAndOut() {
    byte[] raw = new byte[Digest.BYTES];
    Digest d = Digest.of(raw);
    raw[0] = 1;
    d.bytes()[1] = 1;
    assertArrayEquals(new byte[Digest.BYTES], d.bytes());
  }

  @Test
  void hashesRemainingBytesOfABufferWithoutMovingIt() {
    ByteBuffer buf = ByteBuffer.allocateDirect(10);
    buf.put("xxabcyy".getBytes(StandardCharsets.US_ASCII)).position(2).limit(5);
    assertEquals(ABC, Digest.sha256(buf).hex());
    assertEquals(2, buf.position());
    assertEquals(5, buf.limit());
  }

  @Test
  void comparesBytesAsUnsigned() {
    byte[] low = new byte[Digest.BYTES];
    byte[] high = new byte[Digest.BYTES];
    low[0] = 0x7f;
    high[0] = (byte) 0x80;
    assertTrue(Digest.of(low).compareTo(Digest.of(high)) < 0);
    assertTrue(Digest.of(high).hex().compareTo(Digest.of(low).hex()) > 0);
  }

  @Test
  void equalDigestsShareAHashCode() {
    Digest a = Digest.parse(ABC);
    Digest b = Digest.of(Arrays.copyOf(a.bytes(), Digest.BYTES));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, Digest.parse(EMPTY));
  }

  @Test
  void shortHexIsTheFirstTwelveDigits() {
    assertEquals("ba7816bf8f01", Digest.parse(ABC).shortHex());
  }
}
