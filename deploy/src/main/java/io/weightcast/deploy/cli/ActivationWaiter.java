package io.weightcast.deploy.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.weightcast.agent.local.ModelStatus;
import io.weightcast.agent.local.ModelStatusStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits until a model (a version, or any) is active on this host, from one of two sources:
 * the agent's local API ({@code agentUrl}: a lookup, then its SSE stream; while the stream is
 * down, a lookup every {@link #AGENT_POLL_MS}) or the agent's data directory ({@code data}: the
 * {@code current} link and the agent's status file, read every {@link #DATA_POLL_MS} on a worker).
 * Confined to one Vert.x context; {@link #run} completes exactly once and leaves no timer.
 */
final class ActivationWaiter {
  static final long AGENT_POLL_MS = 1_000;
  static final long DATA_POLL_MS = 200;

  private final Vertx vertx;
  private final String model;
  private final String version;
  private final Path data;
  private final String agentUrl;
  private final Promise<WaitOutcome> done = Promise.promise();
  private AgentLocalClient client;
  private long deadline = -1;
  private long poller = -1;
  private boolean inFlight;
  private boolean streaming;
  private ModelStatus last;
  private String problem;

  /** Exactly one of {@code data} and {@code agentUrl} is non-null. */
  ActivationWaiter(Vertx vertx, String model, String version, Path data, String agentUrl) {
    this.vertx = vertx;
    this.model = model;
    this.version = version;
    this.data = data;
    this.agentUrl = agentUrl;
    this.problem = data != null ? "no version of " + model + " has been seen under " + data
        : "agent at " + agentUrl + " not reached yet";
  }

  Future<WaitOutcome> run(Duration limit) {
    deadline = vertx.setTimer(Math.max(1, limit.toMillis()), t -> finish(new WaitOutcome(
        WaitOutcome.TIMED_OUT, model + (version == null ? "" : " " + version)
        + " is not active on this host after " + limit.toSeconds() + " s ("
        + (last != null ? WaitOutcome.describe(last) : problem) + ")")));
    if (agentUrl != null) {
      client = new AgentLocalClient(vertx, agentUrl);
      poller = vertx.setPeriodic(AGENT_POLL_MS, t -> pollAgent());
      pollAgent();
    } else {
      poller = vertx.setPeriodic(DATA_POLL_MS, t -> pollData());
      pollData();
    }
    return done.future();
  }

  /** One look, no waiting: the active path (0), none active (1), or unknown (5). */
  Future<WaitOutcome> once() {
    Future<Optional<ModelStatus>> seen;
    if (agentUrl != null) {
      client = new AgentLocalClient(vertx, agentUrl);
      seen = client.get(model).map(l -> {
        if (l.unknown() != null) {
          throw new UnknownModel(l.unknown());
        }
        return Optional.of(l.status());
      });
    } else {
      seen = vertx.executeBlocking(() -> new ModelStatusStore(data).observe(model));
    }
    return seen.map(s -> s.filter(ModelStatus::active)
            .map(a -> new WaitOutcome(WaitOutcome.ACTIVE, a.path()))
            .orElse(new WaitOutcome(WaitOutcome.NONE, "no version of " + model
                + " is active on this host" + s.map(x -> " (" + WaitOutcome.describe(x) + ")")
                .orElse(""))))
        .recover(e -> e instanceof UnknownModel u
            ? Future.succeededFuture(new WaitOutcome(WaitOutcome.UNKNOWN, u.getMessage()))
            : Future.failedFuture(e))
        .eventually(() -> {
          if (client != null) {
            client.close();
          }
          return Future.succeededFuture();
        });
  }

  private void pollAgent() {
    if (inFlight || streaming || done.future().isComplete()) {
      return;
    }
    inFlight = true;
    client.get(model).onComplete(ar -> {
      inFlight = false;
      if (ar.failed()) {
        problem = "agent at " + client.base() + ": " + ar.cause().getMessage();
        return;
      }
      if (ar.result().unknown() != null) {
        finish(new WaitOutcome(WaitOutcome.UNKNOWN, ar.result().unknown()));
        return;
      }
      seen(ar.result().status());
      if (!done.future().isComplete()) {
        streaming = true;
        client.follow(s -> {
          if (s.model().equals(model)) {
            seen(s);
          }
        }).onComplete(end -> streaming = false);
      }
    });
  }

  private void pollData() {
    if (inFlight || done.future().isComplete()) {
      return;
    }
    inFlight = true;
    vertx.executeBlocking(() -> new ModelStatusStore(data).observe(model)).onComplete(ar -> {
      inFlight = false;
      if (ar.failed()) {
        problem = "cannot read " + data + ": " + ar.cause().getMessage();
      } else {
        ar.result().ifPresent(this::seen);
      }
    });
  }

  private void seen(ModelStatus s) {
    last = s;
    WaitOutcome.decide(s, version).ifPresent(this::finish);
  }

  private void finish(WaitOutcome outcome) {
    if (!done.tryComplete(outcome)) {
      return;
    }
    vertx.cancelTimer(deadline);
    vertx.cancelTimer(poller);
    if (client != null) {
      client.close();
    }
  }

  /** The agent says the model will never be here. */
  private static final class UnknownModel extends RuntimeException {
    UnknownModel(String message) {
      super(message, null, false, false);
    }
  }
}
