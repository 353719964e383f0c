package io.weightcast.protocol.synthetic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** The safetensors prefix both synthetic writers start a file with. Blocking; no state. */
final class SafetensorsFiles {
  private SafetensorsFiles() {}

  /** Writes the 8-byte little-endian header length, then the UTF-8 JSON header, fully. */
  static void writeHeader(FileChannel ch, String json) throws IOException {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    len.putLong(header.length).flip();
    writeFully(ch, len);
    writeFully(ch, ByteBuffer.wrap(header));
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
