package io.weightcast.protocol;

import io.weightcast.protocol.failure.InvalidArgument;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest: 32 bytes, written as 64 lowercase hex digits. Immutable. */
public final class Digest implements Comparable<Digest> {
  public static final int BYTES = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final String hex;

  private Digest(byte[] bytes) {
    this.bytes = bytes;
    this.hex = HEX.formatHex(bytes);
  }

  /** Wraps 32 digest bytes (copied). */
  public static Digest of(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new InvalidArgument("sha256 must be " + BYTES + " bytes, got "
          + (bytes == null ? "none" : bytes.length));
    }
    return new Digest(bytes.clone());
  }

  /** Parses 64 hex digits (either case); anything else is an {@link InvalidArgument}. */
  public static Digest parse(String hex) {
    if (hex == null || hex.length() != BYTES * 2) {
      throw new InvalidArgument("sha256 must be 64 hex digits: '" + abbreviate(hex) + "'");
    }
    try {
      return new Digest(HEX.parseHex(hex.toLowerCase()));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgument("sha256 must be 64 hex digits: '" + abbreviate(hex) + "'");
    }
  }

  /** SHA-256 of a whole array. */
  public static Digest sha256(byte[] data) {
    MessageDigest md = newSha256();
    md.update(data);
    return new Digest(md.digest());
  }

  /** SHA-256 of the remaining bytes of a buffer; the buffer's position is left unchanged. */
  public static Digest sha256(ByteBuffer data) {
    MessageDigest md = newSha256();
    md.update(data.duplicate());
    return new Digest(md.digest());
  }

  /** SHA-256 of a whole file, read sequentially. Blocking. */
  public static Digest ofFile(java.nio.file.Path file) throws java.io.IOException {
    MessageDigest md = newSha256();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      while (ch.read(buf.clear()) > 0) {
        md.update(buf.flip());
      }
    }
    return new Digest(md.digest());
  }

  /** Finishes a running SHA-256. */
  public static Digest finish(MessageDigest md) {
    return new Digest(md.digest());
  }

  /** A fresh SHA-256 instance (not thread-safe; one per thread or task). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return hex;
  }

  /** First 12 hex digits, for logs. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Digest o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
