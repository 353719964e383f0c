package io.weightcast.agent.fetch;

import io.weightcast.protocol.codec.Codec;
import java.nio.ByteBuffer;

/** A chunk's encoded frame received in full, in a pooled buffer (position 0, limit = length). */
public record FetchedChunk(Codec codec, ByteBuffer frame, String source) {}
