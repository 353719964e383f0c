package io.weightcast.agent;

import io.vertx.core.Vertx;
import java.nio.file.Path;

/** An agent in its own JVM, for tests that kill it with SIGKILL. Args: registry dataDir nodeId. */
public final class AgentProcessMain {
  private AgentProcessMain() {}

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    AgentConfig config = AgentConfig.defaults(args[2], "z1", "r1", args[0], Path.of(args[1]))
        .withServer("127.0.0.1", 0).withFetch(2, 5_000, 5).withRetryFailedMs(500);
    vertx.deployVerticle(new AgentVerticle(config)).await();
    System.out.println("READY");
    System.out.flush();
  }
}
