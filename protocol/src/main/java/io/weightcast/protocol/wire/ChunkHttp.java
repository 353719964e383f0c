package io.weightcast.protocol.wire;

/**
 * The chunk HTTP API that the distributor and every agent serve (protocol/README.md, "Chunk
 * API"). Names only; no transport types.
 *
 * <ul>
 *   <li>{@code HEAD /v1/chunks/{sha256}}: 200 with the headers below, 404 when absent, 400 when
 *       the digest is malformed.</li>
 *   <li>{@code GET /v1/chunks/{sha256}}: 200 with the stored frame as body; {@code Range:
 *       bytes=a-b} gives 206 (resume). Same headers.</li>
 *   <li>{@code PUT /v1/chunks/{sha256}} (distributor only): body is the raw chunk, with
 *       Content-Length. 201 stored, 200 already present, 422 digest mismatch, 413 too large,
 *       507 no space, 400 malformed.</li>
 *   <li>{@code POST /v1/chunks/missing} (distributor only): body {@code {"digests":[hex...]}},
 *       answer {@code {"missing":[hex...]}}.</li>
 * </ul>
 * Errors carry a JSON body {@code {"code": WeightcastFailure.code(), "message": "..."}}.
 */
public final class ChunkHttp {
  public static final String CHUNKS_PATH = "/v1/chunks/";
  public static final String MISSING_PATH = "/v1/chunks/missing";
  /**
   * Codec of the body: {@code raw}, {@code zstd}, {@code zstd-shuffle2} or {@code zstd-shuffle4}
   * ({@link io.weightcast.protocol.codec.Codec}).
   */
  public static final String CODEC_HEADER = "Weightcast-Codec";
  /** Length of the decoded (uncompressed) chunk. */
  public static final String RAW_LENGTH_HEADER = "Weightcast-Raw-Length";
  /** Length of the whole stored frame (the body of a full GET). */
  public static final String FRAME_LENGTH_HEADER = "Weightcast-Frame-Length";
  /**
   * Optional on a chunk PUT: {@code 1}, {@code 2} or {@code 4}, the width in bytes of the values
   * the chunk holds; narrows the codecs the distributor tries
   * ({@link io.weightcast.protocol.codec.ElementWidth}). Push sends it only when the chunk lies entirely inside
   * safetensors tensors of one width. Absent: all are tried.
   */
  public static final String ELEMENT_WIDTH_HEADER = "Weightcast-Element-Width";

  /**
   * Optional on a GET from a peer agent, values {@link AcceptEncoded}: asks for the chunk encoded
   * with the codec its manifest records, for fewer bytes on the wire. The agent may still answer
   * {@code raw}; the distributor ignores the header and always sends its stored frame.
   */
  public static final String ACCEPT_ENCODED_HEADER = "Weightcast-Accept-Encoded";

  /** What a GET asks of a peer with {@link #ACCEPT_ENCODED_HEADER}. */
  public enum AcceptEncoded {
    /** No header: raw bytes. */
    NO(null),
    /**
     * {@code held}: the encoded frame if the peer still has it (it keeps the frames it received
     * for a while), else raw: no encode is spent, for a copy inside a rack.
     */
    IF_HELD("held"),
    /**
     * {@code 1}: the encoded frame, encoded on the fly if need be (agents hold chunks decoded),
     * else raw when the peer's encoders are busy or there is no saving: for a copy crossing a
     * rack uplink, where every byte saved counts.
     */
    YES("1");

    private final String headerValue;

    AcceptEncoded(String headerValue) {
      this.headerValue = headerValue;
    }

    /** The header's value, null for {@link #NO}. */
    public String headerValue() {
      return headerValue;
    }

    /** The request's header value (null when absent); unknown values read as {@link #NO}. */
    public static AcceptEncoded of(String headerValue) {
      for (AcceptEncoded a : values()) {
        if (a.headerValue != null && a.headerValue.equals(headerValue)) {
          return a;
        }
      }
      return NO;
    }
  }

  private ChunkHttp() {}

  public static String chunkPath(io.weightcast.protocol.Digest digest) {
    return CHUNKS_PATH + digest.hex();
  }
}
