package io.weightcast.protocol.wire;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;

/**
 * HTTP/2 settings for bulk chunk traffic. The defaults (64 KiB stream and connection windows)
 * throttle bulk transfers; measured over loopback (../shared/STACK-NOTES.md): ~1.5 GB/s with
 * defaults, ~1.7-2.0 GB/s with an 8 MiB stream window, 64 MiB connection window, 1 MiB frames.
 */
public final class Http2Tuning {
  public static final int STREAM_WINDOW = 8 * 1024 * 1024;
  public static final int CONNECTION_WINDOW = 64 * 1024 * 1024;
  public static final int MAX_FRAME = 1024 * 1024;

  private Http2Tuning() {}

  public static Http2Settings settings() {
    return new Http2Settings().setInitialWindowSize(STREAM_WINDOW).setMaxFrameSize(MAX_FRAME);
  }

  /** h2c with prior knowledge (no upgrade), one connection multiplexing many streams. */
  public static HttpClientOptions clientOptions(int maxStreams, int timeoutMs) {
    return new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setInitialSettings(settings())
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW)
        .setHttp2MultiplexingLimit(maxStreams).setConnectTimeout(Math.min(timeoutMs, 10_000))
        .setKeepAlive(true);
  }

  /** h2c with prior knowledge and HTTP/1.1 (for curl) on one port. */
  public static HttpServerOptions serverOptions(String host, int port) {
    return new HttpServerOptions().setHost(host).setPort(port).setInitialSettings(settings())
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW).setHttp2ClearTextEnabled(true)
        .setCompressionSupported(false);
  }
}
