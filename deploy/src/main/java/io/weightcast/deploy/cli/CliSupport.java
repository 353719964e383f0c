package io.weightcast.deploy.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.weightcast.protocol.failure.WeightcastFailure;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Shared plumbing of the CLI commands: one Vert.x per command, work run on its context. */
public final class CliSupport {
  private CliSupport() {}

  public static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
  }

  /**
   * Runs {@code work} on a Vert.x context (HTTP/2 clients must be driven from one, see
   * ../shared/STACK-NOTES.md) and blocks the calling (main) thread for its result.
   */
  public static <T> T runOnContext(Vertx vertx, Function<Vertx, Future<T>> work) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        work.apply(vertx).onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future().await();
  }

  /** Runs a command body, printing a failure as one clear line; answers the exit code. */
  public static int exitCode(Callable<Integer> body) {
    try {
      return body.call();
    } catch (WeightcastFailure e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof WeightcastFailure f ? f : e;
      System.err.println("error: " + cause.getMessage());
      return 1;
    }
  }
}
