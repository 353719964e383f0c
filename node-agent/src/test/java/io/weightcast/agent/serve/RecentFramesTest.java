package io.weightcast.agent.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import org.junit.jupiter.api.Test;

/** Bounded by bytes, least recently used out first, large and raw frames never kept. */
class RecentFramesTest {
  private static Digest chunk(int i) {
    return Digest.sha256(new byte[] {(byte) i});
  }

  private static RecentFrames.Frame frame(int bytes) {
    return new RecentFrames.Frame(Codec.ZSTD, Buffer.buffer(new byte[bytes]));
  }

  @Test
  void dropsTheLeastRecentlyUsedFramesBeyondTheCapacity() {
    RecentFrames frames = new RecentFrames(100);
    frames.put(chunk(1), frame(25));
    frames.put(chunk(2), frame(25));
    frames.put(chunk(3), frame(25));
    frames.put(chunk(4), frame(25));
    assertEquals(100, frames.bytes());
    assertTrue(frames.find(chunk(1)).isPresent(), "read: now the most recently used");
    frames.put(chunk(5), frame(20));
    assertFalse(frames.find(chunk(2)).isPresent(), "the least recently used went");
    assertTrue(frames.find(chunk(1)).isPresent());
    assertTrue(frames.find(chunk(5)).isPresent());
    assertEquals(95, frames.bytes());
    frames.put(chunk(5), frame(10));
    assertEquals(85, frames.bytes(), "a frame put again replaces its bytes");
  }

  @Test
  void keepsNeitherFramesOverAQuarterOfTheCapacityNorAnythingAtZero() {
    RecentFrames frames = new RecentFrames(100);
    frames.put(chunk(1), frame(26));
    assertFalse(frames.find(chunk(1)).isPresent());
    assertFalse(frames.keeps(Codec.RAW, 10), "raw chunks are served from their files");
    RecentFrames off = new RecentFrames(0);
    off.put(chunk(1), frame(1));
    assertEquals(0, off.bytes());
    assertThrows(IllegalArgumentException.class,
        () -> new RecentFrames.Frame(Codec.RAW, Buffer.buffer(new byte[1])));
    assertThrows(IllegalArgumentException.class, () -> new RecentFrames(-1));
  }
}
