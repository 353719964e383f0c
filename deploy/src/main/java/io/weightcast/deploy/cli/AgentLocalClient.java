package io.weightcast.deploy.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.weightcast.agent.local.ModelStatus;
import io.weightcast.protocol.wire.Endpoints;
import java.util.function.Consumer;

/**
 * Client of the agent's local API ({@code /v1/local/*}, see node-agent LocalApi) for the CLI.
 * Drive it from a Vert.x context (STACK-NOTES); close it when done.
 */
final class AgentLocalClient implements AutoCloseable {
  private static final long REQUEST_TIMEOUT_MS = 5_000;

  /** A model's status, or why the agent says it will never have one. */
  record Lookup(ModelStatus status, String unknown) {}

  private final String base;
  private final HttpClient http;

  AgentLocalClient(Vertx vertx, String agentUrl) {
    this.base = Endpoints.baseUrl(agentUrl);
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  String base() {
    return base;
  }

  /** {@code GET /v1/local/models/{model}}: 404 unknown_model / model_not_served is "unknown". */
  Future<Lookup> get(String model) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(base + "/v1/local/models/" + model).setIdleTimeout(REQUEST_TIMEOUT_MS))
        .compose(req -> req.send().compose(resp -> resp.body().map(body -> answer(resp, body))));
  }

  private Lookup answer(HttpClientResponse resp, Buffer body) {
    JsonObject json = body.length() == 0 ? new JsonObject() : body.toJsonObject();
    if (resp.statusCode() == 200) {
      return new Lookup(ModelStatus.fromJson(json), null);
    }
    String code = json.getString("code", "");
    String message = json.getString("message", body.toString());
    if (resp.statusCode() == 404 && (code.equals("unknown_model")
        || code.equals("model_not_served"))) {
      return new Lookup(null, message);
    }
    throw new IllegalStateException("agent at " + base + " answered " + resp.statusCode() + ": "
        + message);
  }

  /**
   * Follows {@code GET /v1/local/events}, passing each event's status to {@code onStatus}; the
   * future completes when the stream ends and fails when it cannot be opened or breaks.
   */
  Future<Void> follow(Consumer<ModelStatus> onStatus) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(base + "/v1/local/events"))
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("agent answered " + resp.statusCode() + " for events");
          }
          SseFrames frames = new SseFrames(data -> onStatus.accept(
              ModelStatus.fromJson(new JsonObject(data))));
          resp.handler(frames::feed);
          return resp.end();
        });
  }

  @Override
  public void close() {
    http.close();
  }

  /** Splits an SSE byte stream into events and hands over each event's data. Not thread-safe. */
  static final class SseFrames {
    private final StringBuilder pending = new StringBuilder();
    private final Consumer<String> onData;

    SseFrames(Consumer<String> onData) {
      this.onData = onData;
    }

    void feed(Buffer chunk) {
      pending.append(chunk.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r", ""));
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String frame = pending.substring(0, end);
        pending.delete(0, end + 2);
        StringBuilder data = new StringBuilder();
        for (String line : frame.split("\n")) {
          if (line.startsWith("data:")) {
            data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).strip());
          }
        }
        if (data.length() > 0) {
          onData.accept(data.toString());
        }
      }
    }
  }
}
