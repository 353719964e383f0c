package io.weightcast.protocol.security;

import java.util.Locale;

/**
 * What a caller may do. A credential (bearer token or client-certificate CN) maps to one or more
 * roles in the access file ({@link AccessPolicy}); every endpoint names the roles it admits
 * ({@link AccessRules}).
 */
public enum Role {
  /** Release pipelines: upload chunks to a distributor, publish versions. */
  PUBLISHER,
  /** Node agents: watch announcements, fetch chunks (from distributors and peers), report. */
  AGENT,
  /** Operators: pin, unpin, roll back, pause, resume. */
  OPERATOR,
  /** Dashboards and read-only tools: status, rollouts, nodes, SSE, metrics. */
  READER,
  /** Other Weightcast roles: a distributor's registry lease, the registry's presence checks. */
  SERVICE;

  public static Role parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + text
          + "' (publisher, agent, operator, reader, service)");
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
