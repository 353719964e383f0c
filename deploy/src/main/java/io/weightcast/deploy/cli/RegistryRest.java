package io.weightcast.deploy.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.wire.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The registry's REST API for CLI commands (blocking, JDK HTTP client: the commands run on the
 * main thread and make a handful of small requests). A non-2xx answer becomes an exception with
 * the registry's error message.
 */
final class RegistryRest {
  private final HttpClient http;
  private final String base;
  private final String actor;
  private final io.weightcast.protocol.security.ClientSecurity security;

  RegistryRest(String registry, String actor) {
    this(registry, actor, io.weightcast.protocol.security.ClientSecurity.PLAINTEXT);
  }

  /** An https registry is trusted through {@code security}'s CA; its token is presented. */
  RegistryRest(String registry, String actor,
      io.weightcast.protocol.security.ClientSecurity security) {
    this.security = security;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .sslContext(io.weightcast.protocol.security.JdkTls.context(security.tls())).build();
    this.base = Endpoints.baseUrl(registry);
    this.actor = actor == null || actor.isBlank() ? "anonymous" : actor;
  }

  /** The actor recorded for control actions: $USER, else "anonymous". */
  static String defaultActor() {
    String user = System.getenv("USER");
    return user == null || user.isBlank() ? "anonymous" : user;
  }

  JsonObject get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
  }

  JsonObject post(String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("content-type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    return send(b, path);
  }

  private JsonObject send(HttpRequest.Builder b, String path)
      throws IOException, InterruptedException {
    if (security.token() != null) {
      b.header("authorization", "Bearer " + security.token());
    }
    HttpResponse<String> resp = http.send(b.timeout(Duration.ofSeconds(10))
        .header("X-Weightcast-Actor", actor).build(), HttpResponse.BodyHandlers.ofString());
    JsonObject body;
    try {
      body = new JsonObject(resp.body());
    } catch (DecodeException e) {
      body = new JsonObject().put("message", resp.body());
    }
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException("registry answered " + resp.statusCode() + " for " + path
          + ": " + body.getString("message", resp.body()));
    }
    return body;
  }
}
