package io.weightcast.protocol.security;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.failure.AccessDenied;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every request of one server against its {@link AccessRules} before any handler runs
 * (gRPC, REST, SSE, chunk bodies alike). The caller is the bearer token of the
 * {@code authorization} header (or, for GET only, an {@code access_token} query parameter, for
 * browsers' EventSource), else the CN of its verified client certificate. A refusal answers 401
 * (no or unknown credential) or 403 (wrong role) with a JSON body, or, for gRPC, the
 * trailers-only status UNAUTHENTICATED (16) or PERMISSION_DENIED (7); it is logged once per
 * (identity, endpoint). Thread-safe; the decision is synchronous, so the wrapped handler runs in
 * the same call.
 */
public final class AccessGuard {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGuard.class);
  /** Bound on remembered (identity, endpoint) pairs; past it refusals are no longer logged. */
  private static final int MAX_LOGGED = 10_000;

  private final String server;
  private final AccessPolicy policy;
  private final AccessRules rules;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  /** A guard for {@code server} (a name for logs); a null policy admits everything. */
  public AccessGuard(String server, AccessPolicy policy, AccessRules rules) {
    this.server = server;
    this.policy = policy;
    this.rules = rules;
  }

  /** {@code next}, behind this guard (itself when authorization is off). */
  public Handler<HttpServerRequest> wrap(Handler<HttpServerRequest> next) {
    if (policy == null) {
      return next;
    }
    return req -> {
      if (admit(req)) {
        next.handle(req);
      }
    };
  }

  private boolean admit(HttpServerRequest req) {
    AccessRules.Rule rule = rules.match(req.method().name(), req.path());
    if (rule.roles().isEmpty()) {
      return true;
    }
    AccessPolicy.Decision d = policy.check(bearer(req), certCn(req), rule.roles());
    if (d.outcome() == AccessPolicy.Outcome.ALLOWED) {
      return true;
    }
    logOnce(d, rule);
    deny(req, d, rule);
    return false;
  }

  private void logOnce(AccessPolicy.Decision d, AccessRules.Rule rule) {
    String key = d.identity() + "|" + rule.endpoint();
    if (logged.size() < MAX_LOGGED && logged.add(key)) {
      LOG.warn("{}: {} refused {} for {} (admits {}; further refusals of this pair not logged)",
          server, rule.endpoint(), d.outcome() == AccessPolicy.Outcome.FORBIDDEN
              ? "(wrong role)" : "(not authenticated)", d.identity(), rule.roles());
    }
  }

  private static void deny(HttpServerRequest req, AccessPolicy.Decision d, AccessRules.Rule r) {
    boolean forbidden = d.outcome() == AccessPolicy.Outcome.FORBIDDEN;
    String message = forbidden
        ? d.identity() + " may not use " + r.endpoint() + " (needs one of " + names(r) + ")"
        : "credentials required for " + r.endpoint()
            + ": a bearer token or a client certificate known to the access file";
    HttpServerResponse resp = req.response();
    String type = req.getHeader("content-type");
    if (type != null && type.startsWith("application/grpc")) {
      resp.putHeader("content-type", "application/grpc")
          .putHeader("grpc-status", forbidden ? "7" : "16")
          .putHeader("grpc-message", (forbidden ? AccessDenied.FORBIDDEN
              : AccessDenied.UNAUTHENTICATED) + ": " + message).end();
      return;
    }
    if (!forbidden) {
      resp.putHeader("www-authenticate", "Bearer realm=\"weightcast\"");
    }
    resp.setStatusCode(forbidden ? 403 : 401).putHeader("content-type", "application/json")
        .end(new JsonObject().put("code", forbidden ? AccessDenied.FORBIDDEN
                : AccessDenied.UNAUTHENTICATED)
            .put("message", message).encode());
  }

  private static String names(AccessRules.Rule r) {
    return r.roles().stream().map(Role::wireName).toList().toString();
  }

  /** The bearer token of the request, or null. */
  static String bearer(HttpServerRequest req) {
    String h = req.getHeader(ClientSecurity.AUTHORIZATION);
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).strip();
    }
    if ("GET".equals(req.method().name())) {
      return req.getParam("access_token");
    }
    return null;
  }

  /** The subject CN of the connection's verified client certificate, or null. */
  static String certCn(HttpServerRequest req) {
    if (!req.isSSL()) {
      return null;
    }
    try {
      List<Certificate> chain = req.connection().peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x)) {
        return null;
      }
      for (Rdn rdn : new LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().toUpperCase(Locale.ROOT).equals("CN")) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }
}
