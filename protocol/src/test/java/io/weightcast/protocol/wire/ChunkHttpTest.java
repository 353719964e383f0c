package io.weightcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkHttpTest {

  @Test
  void namesAChunkByTheLowercaseHexOfItsDigest() {
    Digest d = Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals("/v1/chunks/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ChunkHttp.chunkPath(d));
  }

  @Test
  void missingPathCannotBeMistakenForADigest() {
    String last = ChunkHttp.MISSING_PATH.substring(ChunkHttp.CHUNKS_PATH.length());
    assertTrue(ChunkHttp.MISSING_PATH.startsWith(ChunkHttp.CHUNKS_PATH));
    assertTrue(last.length() != 2 * Digest.BYTES || !last.matches("[0-9a-fA-F]+"));
  }

  @Test
  void headerNamesAreStable() {
    assertEquals("Weightcast-Codec", ChunkHttp.CODEC_HEADER);
    assertEquals("Weightcast-Raw-Length", ChunkHttp.RAW_LENGTH_HEADER);
    assertEquals("Weightcast-Frame-Length", ChunkHttp.FRAME_LENGTH_HEADER);
    assertEquals("Weightcast-Element-Width", ChunkHttp.ELEMENT_WIDTH_HEADER);
  }
}
