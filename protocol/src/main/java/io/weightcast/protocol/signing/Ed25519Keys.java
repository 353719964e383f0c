package io.weightcast.protocol.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys as files, with the JDK's provider only: private keys as PEM PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey -algorithm ed25519} writes),
 * public keys as PEM X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}, what
 * {@code openssl pkey -pubout} writes). Stateless and thread-safe.
 */
public final class Ed25519Keys {
  public static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private Ed25519Keys() {}

  /** A fresh key pair from the JDK's default SecureRandom. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519 provider", e);
    }
  }

  /** The key id agents and signatures use: the first 16 hex of SHA-256(SubjectPublicKeyInfo). */
  public static String keyId(PublicKey key) {
    return io.weightcast.protocol.Digest.sha256(key.getEncoded()).hex().substring(0, 16);
  }

  /**
   * The public half of an Ed25519 private key. The JDK has no API for it, but its key pair
   * generator draws exactly the 32 private key bytes from its SecureRandom and derives the public
   * key from them (RFC 8032 5.1.5): fed those bytes, it rebuilds the pair. Checked by comparing
   * the regenerated private key.
   */
  public static PublicKey publicKeyOf(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    SecureRandom replay = new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
      }
    };
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
      g.initialize(NamedParameterSpec.ED25519, replay);
      KeyPair pair = g.generateKeyPair();
      byte[] again = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      if (!java.util.Arrays.equals(again, seed)) {
        throw new IllegalStateException("cannot derive the Ed25519 public key on this JDK");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519 provider", e);
    }
  }

  public static PrivateKey readPrivate(Path file) {
    byte[] der = pem(file, PRIVATE);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not an Ed25519 PKCS#8 private key: "
          + e.getMessage(), e);
    }
  }

  public static PublicKey readPublic(Path file) {
    byte[] der = pem(file, PUBLIC);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not an Ed25519 X.509 public key: "
          + e.getMessage(), e);
    }
  }

  /** Writes both halves: {@code PREFIX.key} (owner-readable only where POSIX) and {@code PREFIX.pub}. */
  public static void write(KeyPair pair, Path prefix) {
    Path priv = prefix.resolveSibling(prefix.getFileName() + ".key");
    Path pub = prefix.resolveSibling(prefix.getFileName() + ".pub");
    for (Path p : new Path[] {priv, pub}) {
      if (Files.exists(p)) {
        throw new IllegalArgumentException("refusing to overwrite the existing key file " + p);
      }
    }
    try {
      if (prefix.toAbsolutePath().getParent() != null) {
        Files.createDirectories(prefix.toAbsolutePath().getParent());
      }
      Files.writeString(priv, pemText(PRIVATE, pair.getPrivate().getEncoded()),
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
      try {
        Files.setPosixFilePermissions(priv,
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX filesystem: the file keeps the directory's default permissions.
      }
      Files.writeString(pub, pemText(PUBLIC, pair.getPublic().getEncoded()),
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key files " + priv + ", " + pub + ": "
          + e.getMessage(), e);
    }
  }

  static String pemText(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] pem(Path file, String type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + " holds no PEM '" + type + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": PEM body is not base64", e);
    }
  }
}
