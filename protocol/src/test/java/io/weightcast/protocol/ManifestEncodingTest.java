package io.weightcast.protocol;

import static io.weightcast.protocol.ManifestSamples.digestOf;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.wire.RegistryMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encoding a manifest records per chunk (codec, stored length): canonical text and protobuf
 * round trips, old manifests unchanged, bad values refused, and the frame check receivers apply.
 */
class ManifestEncodingTest {
  private static final Digest A = digestOf("a");
  private static final Digest B = digestOf("b");

  private static Manifest plain() {
    return new Manifest("m", "v1", 4096, List.of(new FileEntry("w.bin", 4100, digestOf("f"),
        List.of(new ChunkSpec(0, 0, 4096, A), new ChunkSpec(1, 4096, 4, B)))));
  }

  private static Manifest encoded() {
    return plain().withEncodings(Map.of(A, new ChunkEncoding(Codec.ZSTD_SHUFFLE2, 3000),
        B, new ChunkEncoding(Codec.RAW, 4)));
  }

  @Test
  void theCanonicalTextCarriesTheEncodingAsTwoMoreChunkFields() {
    String text = ManifestText.encode(encoded());
    assertTrue(text.contains("chunk 0 4096 " + A.hex() + " zstd-shuffle2 3000\n"), text);
    assertTrue(text.contains("chunk 4096 4 " + B.hex() + " raw 4\n"), text);
    assertEquals(encoded(), ManifestText.decode(text));
  }

  @Test
  void aManifestWithoutEncodingsKeepsItsTextAndDigest() {
    String text = ManifestText.encode(plain());
    assertTrue(text.contains("chunk 0 4096 " + A.hex() + "\n"), text);
    assertEquals(plain(), ManifestText.decode(text));
    assertNotEquals(plain().digest(), encoded().digest(), "the digest covers the encodings");
  }

  @Test
  void protobufRoundTripsWithAndWithoutEncodings() {
    assertEquals(encoded(), RegistryMapper.fromProto(RegistryMapper.toProto(encoded())));
    assertEquals(plain(), RegistryMapper.fromProto(RegistryMapper.toProto(plain())));
    io.weightcast.protocol.v1.Chunk c = RegistryMapper.toProto(encoded()).getFiles(0)
        .getChunks(0);
    assertEquals("zstd-shuffle2", c.getCodec());
    assertEquals(3000, c.getStoredLength());
    assertEquals("", RegistryMapper.toProto(plain()).getFiles(0).getChunks(0).getCodec());
  }

  @Test
  void refusesUnknownCodecsBadLengthsAndDisagreeingDuplicates() {
    String text = ManifestText.encode(encoded());
    assertThrows(InvalidManifest.class,
        () -> ManifestText.decode(text.replace("zstd-shuffle2", "zstd-shuffle8")));
    assertThrows(InvalidManifest.class, () -> ManifestText.decode(text.replace(" 3000\n",
        " 0\n")));
    assertThrows(InvalidManifest.class, () -> ManifestText.decode(text.replace(" raw 4\n",
        " raw 5\n")), "a raw chunk's stored length is its length");
    assertThrows(InvalidManifest.class, () -> ManifestText.decode(text.replace(" raw 4\n",
        " raw\n")));

    io.weightcast.protocol.v1.Manifest.Builder p = RegistryMapper.toProto(plain()).toBuilder();
    p.getFilesBuilder(0).getChunksBuilder(0).setStoredLength(10);
    assertThrows(InvalidManifest.class, () -> RegistryMapper.fromProto(p.build()),
        "a stored length without a codec");
    p.getFilesBuilder(0).getChunksBuilder(0).setCodec("gzip");
    assertThrows(InvalidManifest.class, () -> RegistryMapper.fromProto(p.build()));

    FileEntry twice = new FileEntry("x.bin", 8192, digestOf("x"), List.of(
        new ChunkSpec(0, 0, 4096, A).withEncoding(new ChunkEncoding(Codec.ZSTD, 100)),
        new ChunkSpec(1, 4096, 4096, A)));
    assertThrows(InvalidManifest.class, () -> new Manifest("m", "v1", 4096, List.of(twice)),
        "one digest, one stored frame: its chunks record the same encoding");
  }

  @Test
  void aFrameMustBeInTheRecordedCodecAndLengthUnlessItIsRaw() {
    ChunkEncoding e = new ChunkEncoding(Codec.ZSTD_SHUFFLE2, 3000);
    assertDoesNotThrow(() -> e.requireMatches(Codec.ZSTD_SHUFFLE2, 3000));
    assertDoesNotThrow(() -> e.requireMatches(Codec.RAW, 4096), "peers serve raw");
    DigestMismatch other = assertThrows(DigestMismatch.class,
        () -> e.requireMatches(Codec.ZSTD, 3000));
    assertTrue(other.retryable(), "a mismatch is refetched");
    assertTrue(other.getMessage().contains("the manifest records zstd-shuffle2"),
        other.getMessage());
    assertThrows(DigestMismatch.class, () -> e.requireMatches(Codec.ZSTD_SHUFFLE2, 2999));
    assertThrows(IllegalArgumentException.class, () -> new ChunkEncoding(Codec.ZSTD, 0));
  }
}
