package io.weightcast.agent.serve;

import io.vertx.core.buffer.Buffer;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.codec.Codec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The encoded frames of chunks this agent verified lately (received from a source, or encoded for
 * a peer), kept so that rack-mates asking right after get the compressed bytes with no encode
 * spent: agents hold chunks decoded, and in a fan-out the rack-mates of the node a chunk first
 * entered a rack through ask for it within seconds. Without it every copy inside a rack is raw:
 * 1.47x the bytes on bf16 weights, on host links already carrying the in-rack copies both ways.
 *
 * <p>Only frames whose decoded bytes verified against the chunk's digest are offered (the caller
 * puts a frame after its chunk was written and verified; decoding is deterministic). Least
 * recently used first out, bounded by {@code capacityBytes} of frame bytes (heap); a frame over a
 * quarter of the capacity is not kept. Confined to the agent verticle's context.
 */
public final class RecentFrames {
  /** An encoded frame of a chunk, with its codec (never {@link Codec#RAW}). */
  public record Frame(Codec codec, Buffer bytes) {
    public Frame {
      if (codec == Codec.RAW) {
        throw new IllegalArgumentException("a raw chunk is served from its file, not kept");
      }
    }
  }

  private final long capacityBytes;
  private final Map<Digest, Frame> frames = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  /** {@code capacityBytes} 0 keeps nothing. */
  public RecentFrames(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacity must be >= 0: " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
  }

  /** Whether a frame of {@code codec} and {@code length} bytes would be kept. */
  public boolean keeps(Codec codec, long length) {
    return codec != Codec.RAW && length > 0 && length <= capacityBytes / 4;
  }

  /** Keeps the verified frame of {@code chunk}, dropping the least recently used over capacity. */
  public void put(Digest chunk, Frame frame) {
    if (!keeps(frame.codec(), frame.bytes().length())) {
      return;
    }
    Frame before = frames.put(chunk, frame);
    bytes += frame.bytes().length() - (before == null ? 0 : before.bytes().length());
    Iterator<Frame> eldest = frames.values().iterator();
    while (bytes > capacityBytes && eldest.hasNext()) {
      bytes -= eldest.next().bytes().length();
      eldest.remove();
    }
  }

  public Optional<Frame> find(Digest chunk) {
    return Optional.ofNullable(frames.get(chunk));
  }

  /** Bytes of frames kept. */
  public long bytes() {
    return bytes;
  }
}
