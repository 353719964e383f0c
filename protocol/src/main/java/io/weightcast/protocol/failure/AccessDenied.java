package io.weightcast.protocol.failure;

/**
 * A server refused the caller: no or unknown credential ({@link #UNAUTHENTICATED}: HTTP 401,
 * gRPC UNAUTHENTICATED) or a role that may not use the endpoint ({@link #FORBIDDEN}: 403,
 * PERMISSION_DENIED). Not retryable: the same credential gets the same answer.
 */
public final class AccessDenied extends WeightcastFailure {
  public static final String UNAUTHENTICATED = "unauthenticated";
  public static final String FORBIDDEN = "forbidden";

  public AccessDenied(String code, String message) {
    super(FORBIDDEN.equals(code) ? FORBIDDEN : UNAUTHENTICATED, false, message, null);
  }

  public boolean forbidden() {
    return FORBIDDEN.equals(code());
  }
}
