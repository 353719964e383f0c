package io.weightcast.protocol.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The access file's grammar and the decisions it yields, without any server. */
class AccessPolicyTest {
  private static final String CI_TOKEN = "ci-token-0123456789";
  private static final AccessPolicy POLICY = AccessPolicy.parse("""
      # comment
      token ci publisher %s
      token ops operator,reader ops-token-0123456789
      cert  agent-7 agent
      """.formatted(AccessPolicy.hashOf(CI_TOKEN)));

  @Test
  void grantsRolesToHashedAndPlainTokensAndCertificateNames() {
    assertEquals(Set.of(Role.PUBLISHER), POLICY.authenticate(CI_TOKEN, null).orElseThrow()
        .roles());
    assertEquals(EnumSet.of(Role.OPERATOR, Role.READER),
        POLICY.authenticate("ops-token-0123456789", null).orElseThrow().roles());
    assertEquals("agent-7", POLICY.authenticate(null, "agent-7").orElseThrow().name());
  }

  @Test
  void anUnknownTokenIsRefusedEvenWithAGoodCertificate() {
    AccessPolicy.Decision d = POLICY.check("guess-0123456789abc", "agent-7",
        EnumSet.of(Role.AGENT));
    assertEquals(AccessPolicy.Outcome.UNAUTHENTICATED, d.outcome());
    assertEquals("unknown-token", d.identity());
  }

  @Test
  void aKnownCallerWithTheWrongRoleIsForbidden() {
    AccessPolicy.Decision d = POLICY.check(CI_TOKEN, null, EnumSet.of(Role.OPERATOR));
    assertEquals(new AccessPolicy.Decision(AccessPolicy.Outcome.FORBIDDEN, "ci"), d);
    assertEquals(AccessPolicy.Outcome.UNAUTHENTICATED,
        POLICY.check(null, null, EnumSet.of(Role.READER)).outcome());
  }

  @Test
  void malformedLinesFailWithTheirLineNumber() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AccessPolicy.parse("token a publisher long-enough-secret\ntoken b admin x"));
    assertTrue(e.getMessage().startsWith("access file line 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> AccessPolicy.parse("token a publisher short"));
    assertThrows(IllegalArgumentException.class,
        () -> AccessPolicy.parse("cert a agent\ncert a reader"));
  }

  @Test
  void rulesMatchGrpcMethodsAndRestRoutes() {
    assertEquals(Set.of(Role.PUBLISHER), AccessRules.REGISTRY.match("POST",
        "/weightcast.v1.Registry/PublishVersion").roles());
    assertEquals(Set.of(Role.OPERATOR), AccessRules.REGISTRY.match("POST",
        "/v1/models/llama/rollback").roles());
    assertEquals(AccessRules.OPEN, AccessRules.AGENT_SERVER.match("GET", "/v1/local/models")
        .roles());
    assertEquals(Set.of(Role.PUBLISHER), AccessRules.DISTRIBUTOR.match("PUT",
        "/v1/chunks/" + "00".repeat(32)).roles());
  }
}
