package io.weightcast.agent;

import io.weightcast.protocol.signing.TrustedKeys;
import java.util.Objects;

/**
 * What a node agent refuses and caps.
 *
 * @param trustedKeys publishers' public keys: when any is set, a version must carry a signature
 *     by one of them over its manifest digest, checked before any chunk is fetched; when none,
 *     every version is accepted
 * @param maxEgressBytesPerSec cap on the bytes this agent serves to peers, all streams together
 *     (0 = unlimited)
 * @param maxIngressBytesPerSec cap on the bytes this agent fetches from any source (peers and
 *     distributors), all streams together (0 = unlimited)
 */
public record GuardConfig(TrustedKeys trustedKeys, long maxEgressBytesPerSec,
    long maxIngressBytesPerSec) {
  public static final GuardConfig DEFAULTS = new GuardConfig(TrustedKeys.NONE, 0, 0);

  public GuardConfig {
    Objects.requireNonNull(trustedKeys, "trustedKeys");
    if (maxEgressBytesPerSec < 0 || maxIngressBytesPerSec < 0) {
      throw new IllegalArgumentException("bandwidth caps must be >= 0 (0 = unlimited), got egress "
          + maxEgressBytesPerSec + ", ingress " + maxIngressBytesPerSec);
    }
  }
}
