package io.weightcast.deploy.cli;

import io.weightcast.protocol.security.AccessPolicy;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsConfig;
import io.weightcast.protocol.security.TlsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS, authorization and credential flags shared by every role and client command (a picocli
 * mixin); {@link #security()} validates them into one {@link Security}. See SECURITY.md.
 */
public final class SecurityOptions {
  @Option(names = "--tls-cert", description = "PEM certificate (chain) of this role: its servers speak TLS (h2 by ALPN), and it is the client certificate toward other roles.")
  String cert;

  @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
  String key;

  @Option(names = "--tls-ca", description = "PEM CA certificates trusted for servers this command calls (https:// endpoints) and for client certificates (default: the JVM's trust store).")
  String ca;

  @Option(names = "--tls-client-auth", defaultValue = "none", description = "Servers ask clients for a certificate signed by --tls-ca: none, request or required (default ${DEFAULT-VALUE}).")
  String clientAuth;

  @Option(names = "--tls-engine", defaultValue = "auto", description = "TLS implementation: auto (OpenSSL when it loads, else JDK), openssl or jdk (default ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--access-file", description = "Grants of tokens and certificate CNs to roles; every endpoint then checks its role (default: authorization off). See SECURITY.md.")
  Path accessFile;

  @Option(names = "--token", defaultValue = "${env:WEIGHTCAST_TOKEN:-}", description = "Bearer token this command presents to other roles (default: $WEIGHTCAST_TOKEN).")
  String token;

  @Option(names = "--token-file", description = "Read the bearer token from this file (first line) instead of --token.")
  Path tokenFile;

  @Option(names = "--plaintext", description = "Roles only: serve h2c without TLS on a non-loopback address (traffic and tokens in clear; for trusted networks and benchmarks). Without TLS and without this flag a role binds only loopback.")
  boolean plaintext;

  /**
   * The settings of a server role binding {@code host}: plaintext h2c is off by default outside
   * loopback, so a role without {@code --tls-cert/--tls-key} refuses a non-loopback address
   * unless {@code --plaintext} says the operator means it (the demo binds loopback).
   */
  public Security serving(String role, String host) {
    Security s = security();
    if (!s.tls().serves() && !plaintext && !TlsOptions.isLoopback(host)) {
      throw new IllegalArgumentException(role + " would serve " + host + " without TLS: give"
          + " --tls-cert and --tls-key (SECURITY.md), bind --host 127.0.0.1, or pass --plaintext"
          + " to accept unencrypted traffic");
    }
    return s;
  }

  /** Validated settings; loads the OpenSSL engine here (main thread), not on an event loop. */
  public Security security() {
    TlsConfig tls = TlsConfig.of(cert, key, ca, clientAuth, engine);
    if (tls.engine() != TlsConfig.Engine.JDK) {
      TlsOptions.openSslAvailable();
    }
    return new Security(tls, accessFile == null ? null : AccessPolicy.load(accessFile), token());
  }

  public ClientSecurity client() {
    return security().client();
  }

  private String token() {
    if (tokenFile == null) {
      return token;
    }
    try {
      return Files.readAllLines(tokenFile).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file " + tokenFile + ": " + e.getMessage(), e);
    }
  }
}
