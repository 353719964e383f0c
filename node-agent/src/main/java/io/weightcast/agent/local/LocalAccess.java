package io.weightcast.agent.local;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Who may use the local API: by default only clients on this host (a loopback source address,
 * 127.0.0.0/8 or ::1, also IPv4-mapped). Pure; no name is ever resolved.
 */
public final class LocalAccess {
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

  private LocalAccess() {}

  /** Whether a request from {@code remoteHost} (an IP literal) is served. */
  public static boolean permits(String remoteHost, boolean remoteAllowed) {
    return remoteAllowed || isLoopback(remoteHost);
  }

  static boolean isLoopback(String host) {
    if (host == null || !IP_LITERAL.matcher(host).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
