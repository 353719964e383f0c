package io.weightcast.protocol.wire;

import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.weightcast.protocol.limits.BandwidthLimiter;

/**
 * Sends a byte range of a file as a response body. HTTP/1.1 uses {@code sendFile} (sendfile(2),
 * zero-copy). HTTP/2 cannot; Vert.x 5.0.7's HTTP/2 {@code sendFile} pipes the file with 8 KiB
 * reads, one worker hop and one DATA frame each (measured in perf/README.md: the distributor spent
 * 4.7 CPU-s per GiB served), so HTTP/2 bodies are piped from an {@code AsyncFile} with
 * {@link #READ_BUFFER}-sized reads instead, with back-pressure. Call on the response's context.
 */
public final class FileBodies {
  public static final int READ_BUFFER = 1 << 20;

  private FileBodies() {}

  public static Future<Void> send(FileSystem fs, HttpServerResponse response, HttpVersion version,
      String path, long offset, long length) {
    return send(fs, response, version, path, offset, length, BandwidthLimiter.UNLIMITED);
  }

  /** Like the above, held to {@code egress} (a capped body is always piped: sendfile can't be). */
  public static Future<Void> send(FileSystem fs, HttpServerResponse response, HttpVersion version,
      String path, long offset, long length, BandwidthLimiter egress) {
    if (version != HttpVersion.HTTP_2 && egress.unlimited()) {
      return response.sendFile(path, offset, length);
    }
    response.putHeader("content-length", Long.toString(length));
    return fs.open(path, new OpenOptions().setRead(true).setWrite(false)).compose(file -> {
      file.setReadPos(offset).setReadLength(length).setReadBufferSize(READ_BUFFER);
      return Throttle.of(io.vertx.core.Vertx.currentContext().owner(), file, egress)
          .pipeTo(response).eventually(file::close);
    });
  }
}
