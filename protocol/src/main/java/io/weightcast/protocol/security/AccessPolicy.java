package io.weightcast.protocol.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what: bearer tokens and client-certificate subject CNs mapped to {@link Role}s,
 * read once from an access file. Immutable and thread-safe. Tokens are kept only as SHA-256
 * hashes and compared in constant time. File format, one grant per line ({@code #} comments):
 *
 * <pre>
 * token NAME ROLES SECRET    a bearer token; SECRET is the token itself or sha256:HEX of it
 * cert  CN   ROLES           a client certificate whose subject CN is CN (mutual TLS)
 * </pre>
 *
 * ROLES is a comma-separated list of publisher, agent, operator, reader, service.
 */
public final class AccessPolicy {
  /** An authenticated caller: the grant's name (token NAME or certificate CN) and its roles. */
  public record Principal(String name, Set<Role> roles) {
    public Principal {
      roles = Set.copyOf(roles);
    }
  }

  /** The outcome of checking one request against one endpoint's roles. */
  public enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

  /** An outcome with the identity it concerns ("anonymous", "unknown-token" or a grant name). */
  public record Decision(Outcome outcome, String identity) {}

  private record TokenGrant(byte[] hash, Principal principal) {}

  private final List<TokenGrant> tokens;
  private final Map<String, Principal> certs;

  private AccessPolicy(List<TokenGrant> tokens, Map<String, Principal> certs) {
    this.tokens = List.copyOf(tokens);
    this.certs = Map.copyOf(certs);
  }

  public static AccessPolicy load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("access file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the access file text; a malformed line fails with its line number. */
  public static AccessPolicy parse(String text) {
    List<TokenGrant> tokens = new ArrayList<>();
    Map<String, Principal> certs = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        switch (f[0]) {
          case "token" -> {
            require(f.length == 4, "token NAME ROLES SECRET");
            tokens.add(new TokenGrant(secretHash(f[3]), new Principal(f[1], roles(f[2]))));
          }
          case "cert" -> {
            require(f.length == 3, "cert CN ROLES");
            require(certs.put(f[1], new Principal(f[1], roles(f[2]))) == null,
                "CN " + f[1] + " granted twice");
          }
          default -> throw new IllegalArgumentException("a grant starts with token or cert");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("access file line " + (i + 1) + ": " + e.getMessage(),
            e);
      }
    }
    return new AccessPolicy(tokens, certs);
  }

  /**
   * The caller presenting {@code bearerToken} (null: none) over a connection whose client
   * certificate has subject CN {@code certCn} (null: none). A presented token decides alone (an
   * unknown one is refused even with a good certificate); without one, the certificate decides.
   */
  public Optional<Principal> authenticate(String bearerToken, String certCn) {
    if (bearerToken != null) {
      byte[] hash = sha256(bearerToken);
      Principal found = null;
      for (TokenGrant g : tokens) {
        if (MessageDigest.isEqual(g.hash(), hash)) {
          found = g.principal();
        }
      }
      return Optional.ofNullable(found);
    }
    return certCn == null ? Optional.empty() : Optional.ofNullable(certs.get(certCn));
  }

  /** Whether a caller with these credentials may use an endpoint admitting {@code allowed}. */
  public Decision check(String bearerToken, String certCn, Set<Role> allowed) {
    Optional<Principal> p = authenticate(bearerToken, certCn);
    if (p.isEmpty()) {
      return new Decision(Outcome.UNAUTHENTICATED,
          bearerToken != null ? "unknown-token" : certCn != null ? "cn=" + certCn : "anonymous");
    }
    boolean ok = p.get().roles().stream().anyMatch(allowed::contains);
    return new Decision(ok ? Outcome.ALLOWED : Outcome.FORBIDDEN, p.get().name());
  }

  /** "sha256:HEX" of a token, the form to keep in an access file instead of the token. */
  public static String hashOf(String token) {
    return "sha256:" + HexFormat.of().formatHex(sha256(token));
  }

  @Override
  public String toString() {
    return "AccessPolicy[" + tokens.size() + " tokens, " + certs.size() + " certificates]";
  }

  private static Set<Role> roles(String list) {
    Set<Role> out = EnumSet.noneOf(Role.class);
    for (String r : list.split(",")) {
      out.add(Role.parse(r));
    }
    return out;
  }

  private static byte[] secretHash(String secret) {
    if (secret.startsWith("sha256:")) {
      String hex = secret.substring("sha256:".length());
      require(hex.matches("[0-9a-fA-F]{64}"), "sha256: must be followed by 64 hex digits");
      return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    }
    require(secret.length() >= 16, "a token must be at least 16 characters");
    return sha256(secret);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
