package io.weightcast.protocol.security;

import static io.weightcast.protocol.security.Role.AGENT;
import static io.weightcast.protocol.security.Role.OPERATOR;
import static io.weightcast.protocol.security.Role.PUBLISHER;
import static io.weightcast.protocol.security.Role.READER;
import static io.weightcast.protocol.security.Role.SERVICE;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which roles each endpoint of each server admits: one table per server, first matching rule
 * wins. gRPC methods match as HTTP/2 {@code POST /weightcast.v1.Registry/Method}. A request no
 * rule matches needs any authenticated caller (it then gets the router's 404/405). Pure; the
 * tables are also the reference of SECURITY.md.
 */
public final class AccessRules {
  /** Admits everyone, authenticated or not (health probes, the agent's loopback-only API). */
  public static final Set<Role> OPEN = Set.of();
  private static final Set<Role> ANY = EnumSet.allOf(Role.class);
  private static final Rule FALLBACK = new Rule(Pattern.compile(".*"), Pattern.compile(".*"),
      "other", ANY);

  /**
   * One rule.
   *
   * @param method regular expression of the HTTP methods admitted (e.g. "GET", "(GET|HEAD)")
   * @param path regular expression the whole path must match
   * @param endpoint low-cardinality name used in logs (never a digest or a model)
   * @param roles the roles admitted; {@link #OPEN} admits anyone
   */
  public record Rule(Pattern method, Pattern path, String endpoint, Set<Role> roles) {
    public Rule {
      roles = roles.isEmpty() ? OPEN : EnumSet.copyOf(roles);
    }

    boolean matches(String m, String p) {
      return method.matcher(m).matches() && path.matcher(p).matches();
    }
  }

  private final List<Rule> rules;

  private AccessRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rule for a request; the fallback admits any authenticated caller. */
  public Rule match(String method, String path) {
    return find(method, path).orElse(FALLBACK);
  }

  private Optional<Rule> find(String method, String path) {
    return rules.stream().filter(r -> r.matches(method, path)).findFirst();
  }

  public List<Rule> rules() {
    return rules;
  }

  private static final String GRPC = "/weightcast\\.v1\\.Registry/";

  /** The registry: gRPC, REST, SSE and the dashboard on one port. */
  public static final AccessRules REGISTRY = new AccessRules(List.of(
      rule("GET", "/health", "health", OPEN),
      // The dashboard page holds no data; it reads its token from the URL fragment (#token=).
      rule("GET", "/", "dashboard", OPEN),
      rule("POST", GRPC + "PublishVersion", "grpc.PublishVersion", EnumSet.of(PUBLISHER)),
      rule("POST", GRPC + "(GetManifest|ListVersions)", "grpc.read",
          EnumSet.of(AGENT, PUBLISHER, OPERATOR, READER, SERVICE)),
      rule("POST", GRPC + "WatchVersions", "grpc.WatchVersions", EnumSet.of(AGENT, SERVICE)),
      rule("POST", GRPC + "ReportProgress", "grpc.ReportProgress", EnumSet.of(AGENT)),
      rule("POST", GRPC + "RegisterDistributor", "grpc.RegisterDistributor",
          EnumSet.of(SERVICE)),
      rule("POST", GRPC + "ListDistributors", "grpc.ListDistributors",
          EnumSet.of(AGENT, SERVICE, READER)),
      rule("POST", "/v1/models/[^/]+/(pin|unpin|rollback)", "control.model",
          EnumSet.of(OPERATOR)),
      rule("POST", "/v1/rollouts/[^/]+/[^/]+/(pause|resume)", "control.rollout",
          EnumSet.of(OPERATOR)),
      rule("GET", "/v1/events", "events", EnumSet.of(READER, OPERATOR, PUBLISHER)),
      rule("GET", ".*", "read", EnumSet.of(READER, OPERATOR, PUBLISHER))));

  /** A distributor: chunk upload and fetch, the topology API, metrics. */
  public static final AccessRules DISTRIBUTOR = new AccessRules(List.of(
      rule("GET", "/health", "health", OPEN),
      rule("POST", "/v1/chunks/missing", "chunks.missing", EnumSet.of(PUBLISHER, SERVICE)),
      rule("PUT", "/v1/chunks/[^/]+", "chunks.upload", EnumSet.of(PUBLISHER)),
      rule("(GET|HEAD)", "/v1/chunks/[^/]+", "chunks.fetch", EnumSet.of(AGENT, PUBLISHER, SERVICE)),
      rule("POST", "/v1/topology/.*", "topology.report", EnumSet.of(AGENT)),
      rule("GET", "/v1/topology/.*", "topology.read", EnumSet.of(READER, OPERATOR)),
      rule("GET", "/metrics", "metrics", EnumSet.of(READER, OPERATOR))));

  /** An agent: the peer chunk server, the local API (its own loopback guard applies), metrics. */
  public static final AccessRules AGENT_SERVER = new AccessRules(List.of(
      rule("GET", "/health", "health", OPEN),
      rule("*", "/v1/local/.*", "local", OPEN),
      rule("(GET|HEAD)", "/v1/chunks/[^/]+", "chunks.peer", EnumSet.of(AGENT)),
      rule("GET", "/metrics", "metrics", EnumSet.of(READER, OPERATOR))));

  private static Rule rule(String method, String path, String endpoint, Set<Role> roles) {
    return new Rule(Pattern.compile(method.equals("*") ? ".*" : method),
        Pattern.compile(path), endpoint, roles);
  }
}
