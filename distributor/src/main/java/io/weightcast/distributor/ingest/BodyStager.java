package io.weightcast.distributor.ingest;

import io.vertx.core.Future;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.weightcast.protocol.failure.DiskErrors;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.NoSpace;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams one request body into a new staging file with back-pressure ({@code pipeTo}: a slow
 * disk pauses the socket). On any failure (client gone, stream reset, short body, disk error) the
 * staging file is deleted before the returned future fails. Confined to the request's event loop;
 * the request must already be paused.
 */
final class BodyStager {
  private BodyStager() {}

  /** Succeeds when exactly {@code expectedLength} bytes are in {@code target} and it is closed. */
  static Future<Void> stage(FileSystem fs, HttpServerRequest request, Path target,
      long expectedLength) {
    // 1. Remember a failure that happens while the file is opening (the pipe is not yet there).
    AtomicReference<Throwable> early = new AtomicReference<>();
    request.exceptionHandler(early::set);
    String file = target.toString();
    return fs.open(file, new OpenOptions().setWrite(true).setCreateNew(true))
        .recover(e -> Future.failedFuture(diskFailure(e)))
        // 2. Pipe the body, then check its length; 3. on failure remove what was written.
        .compose(out -> pipe(request, out, early.get(), expectedLength)
            .recover(e -> fs.delete(file).otherwiseEmpty()
                .compose(v -> Future.failedFuture(e))));
  }

  private static Future<Void> pipe(HttpServerRequest request, AsyncFile out, Throwable early,
      long expectedLength) {
    Future<Void> piped = early != null ? Future.failedFuture(early) : request.pipeTo(out);
    return piped
        .eventually(() -> out.close().otherwiseEmpty())
        .recover(e -> Future.failedFuture(isDisk(e) ? diskFailure(e)
            : new InvalidArgument("upload aborted after " + out.getWritePos() + " of "
                + expectedLength + " bytes: " + e)))
        .compose(v -> out.getWritePos() == expectedLength
            ? Future.succeededFuture()
            : Future.failedFuture(new InvalidArgument("body has " + out.getWritePos()
                + " bytes, Content-Length said " + expectedLength)));
  }

  /**
   * A failure of the file side of the pipe: plain {@link IOException}s from file channels and
   * {@link FileSystemException}s. Socket-side failures (closed connection, reset stream, socket
   * exceptions) are the client's doing and become "upload aborted".
   */
  private static boolean isDisk(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t.getClass() == IOException.class || t instanceof FileSystemException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable diskFailure(Throwable e) {
    if (DiskErrors.isNoSpace(e)) {
      return new NoSpace("no space left staging an upload", e);
    }
    return e;
  }
}
