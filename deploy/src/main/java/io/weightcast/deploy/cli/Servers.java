package io.weightcast.deploy.cli;

import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;

/** Runs server roles in the foreground until the process is told to stop (SIGTERM, Ctrl-C). */
public final class Servers {
  private Servers() {}

  /** Deploys the verticles, then blocks until shutdown; closes Vert.x on the way out. */
  public static int runUntilStopped(Vertx vertx, Deployable... verticles) throws InterruptedException {
    for (Deployable v : verticles) {
      vertx.deployVerticle(v).await();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }, "wc-shutdown"));
    stopped.await();
    return 0;
  }
}
