package io.weightcast.deploy.push;

import io.weightcast.protocol.wire.Sizes;
import java.util.OptionalLong;

/**
 * The chunk size of a push that names none ({@code --chunk-size auto}, the default). Pure.
 *
 * <p>Why it depends on the model: a rollout ends about one chunk's crossing into the last rack,
 * plus that chunk's spread inside the rack, after the last byte enters it; a model of few chunks
 * spends a large share of its rollout in that tail. Fan-out benchmark (128 MiB model, 16 agents
 * in 4 racks, 20 Mbit/s uplinks, lower bound 36.6 s): 8 MiB chunks 48-51 s, 2 MiB chunks 44 s.
 * Rule: {@code size = clamp(2^floor(log2(modelBytes / TARGET_CHUNKS)), MIN_AUTO, MAX_AUTO)}, so
 * models of 512 MiB and more keep 8 MiB chunks (per-chunk costs, a request and an announcement
 * each, stay small) and a 128 MiB model gets 2 MiB.
 *
 * <p>A model that already has versions keeps the chunk size of its newest one: chunk boundaries
 * follow the chunk size, so a new size would make every chunk new and a delta between versions
 * cost the whole model. It keeps it only while that size is within {@link #MAX_DRIFT} times the
 * rule's size for this version, either way: a model whose first version was a 32 MiB smoke test
 * must not push a 70 GiB version in 1 MiB chunks (70,000 requests, announcements and manifest
 * entries where 9,000 do), and the one full upload that a new size costs is paid once.
 */
public final class ChunkSizing {
  /** The value of {@code Pusher.Options.chunkSize} that asks for this rule. */
  public static final long AUTO = 0;
  public static final long MIN_AUTO = 1L << 20;
  public static final long MAX_AUTO = 8L << 20;
  public static final int TARGET_CHUNKS = 64;
  /** How far (a factor, either way) a newest version's size may be from the rule's and be kept. */
  public static final int MAX_DRIFT = 4;

  private ChunkSizing() {}

  /** A {@code --chunk-size} value: {@code auto} (any case) is {@link #AUTO}, else a size. */
  public static long parse(String value) {
    return "auto".equalsIgnoreCase(value.trim()) ? AUTO
        : Sizes.parse(value);
  }

  /**
   * The size for a version of {@code modelBytes} bytes of a model whose newest version was cut in
   * chunks of {@code newest} (empty for a model's first version).
   */
  public static long forVersion(long modelBytes, OptionalLong newest) {
    long rule = forModel(modelBytes);
    if (newest.isEmpty()) {
      return rule;
    }
    long kept = newest.getAsLong();
    return kept <= rule * MAX_DRIFT && kept * MAX_DRIFT >= rule ? kept : rule;
  }

  /** The size for a model's first version of {@code modelBytes} bytes. */
  public static long forModel(long modelBytes) {
    if (modelBytes < 0) {
      throw new IllegalArgumentException("model size must be >= 0, got " + modelBytes);
    }
    long per = modelBytes / TARGET_CHUNKS;
    long pow = per <= 0 ? 1 : Long.highestOneBit(per);
    return Math.max(MIN_AUTO, Math.min(MAX_AUTO, pow));
  }
}
