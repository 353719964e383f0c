package io.weightcast.protocol.wire;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.v1.Announcement;
import io.weightcast.protocol.v1.GetManifestRequest;
import io.weightcast.protocol.v1.ListVersionsRequest;
import io.weightcast.protocol.v1.PublishVersionRequest;
import io.weightcast.protocol.v1.RegisterDistributorRequest;
import io.weightcast.protocol.v1.RegistryGrpcClient;
import io.weightcast.protocol.v1.WatchVersionsRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Future-returning client of the registry's gRPC service, speaking domain records. Owns one
 * gRPC client (kept in a field; close it explicitly). Given several registries
 * ("host:port,host:port", a cluster), it talks to one at a time and rotates to the next when that
 * one is UNAVAILABLE: a unary call tries the next registries (100 ms apart) until its timeout, a
 * failed watch makes the next {@link #watch} go to the next registry. With one registry it
 * behaves as before: one attempt. Call it from a Vert.x context
 * (../shared/STACK-NOTES.md: HTTP/2 requests from foreign threads can lose data). Every unary call
 * has a timeout; failures arrive as typed {@link WeightcastFailure}s.
 */
public final class RegistryConnection implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RegistryConnection.class);
  /** A watch stream silent this long (3 missed registry heartbeats) is considered dead. */
  public static final long WATCH_SILENCE_MS = 45_000;
  /** Manifests of large models exceed gRPC's 4 MiB default message size. */
  public static final long MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  /** The outcome of a publish: the committed version and whether this call created it. */
  public record Published(CommittedVersion version, boolean created) {}

  /** A running watch: {@link #done()} completes when the stream ends, fails when it breaks. */
  public record Watch(Future<Void> done, Runnable cancel) {}

  private final Vertx vertx;
  private final GrpcClient client;
  private final List<SocketAddress> addresses;
  /** Index of the registry in use; rotated on failure (confined to the caller's context). */
  private int current;
  private final long timeoutMs;
  private final long watchSilenceMs;
  private final ClientSecurity security;

  private RegistryConnection(Vertx vertx, GrpcClient client, List<SocketAddress> addresses,
      long timeoutMs, long watchSilenceMs, ClientSecurity security) {
    this.vertx = vertx;
    this.security = security;
    this.client = client;
    this.addresses = addresses;
    this.timeoutMs = timeoutMs;
    this.watchSilenceMs = watchSilenceMs;
  }

  /**
   * Connects (lazily) to {@code hostPort}: "host:port" or "http://host:port", or a comma-separated
   * list of them (registries of one cluster).
   */
  public static RegistryConnection create(Vertx vertx, String hostPort, long timeoutMs) {
    return create(vertx, hostPort, timeoutMs, WATCH_SILENCE_MS);
  }

  /** Like {@link #create(Vertx, String, long)}, with the watch's silence limit (tests shorten it). */
  public static RegistryConnection create(Vertx vertx, String hostPort, long timeoutMs,
      long watchSilenceMs) {
    return create(vertx, hostPort, timeoutMs, watchSilenceMs, ClientSecurity.PLAINTEXT);
  }

  /**
   * Like {@link #create(Vertx, String, long, long)}, presenting {@code security}'s token and
   * client certificate; "https://host:port" endpoints are reached over TLS (h2 by ALPN).
   */
  public static RegistryConnection create(Vertx vertx, String hostPort, long timeoutMs,
      long watchSilenceMs, ClientSecurity security) {
    GrpcClient client = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES),
        security.options(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false).setConnectTimeout((int) Math.min(timeoutMs, 10_000)),
            ClientSecurity.https(hostPort)));
    return new RegistryConnection(vertx, client, Endpoints.socketAddresses(hostPort), timeoutMs,
        watchSilenceMs, security);
  }

  /** {@link #create(Vertx, String)} with {@code security}. */
  public static RegistryConnection create(Vertx vertx, String hostPort, ClientSecurity security) {
    return create(vertx, hostPort, 15_000, WATCH_SILENCE_MS, security);
  }

  public static RegistryConnection create(Vertx vertx, String hostPort) {
    return create(vertx, hostPort, 15_000);
  }

  public Future<Published> publish(Manifest manifest) {
    return publish(manifest, java.util.Optional.empty());
  }

  /** Publishes with the publisher's signature over the manifest digest (when present). */
  public Future<Published> publish(Manifest manifest,
      java.util.Optional<io.weightcast.protocol.signing.ManifestSignature> signature) {
    PublishVersionRequest.Builder b = PublishVersionRequest.newBuilder()
        .setManifest(RegistryMapper.toProto(manifest));
    signature.ifPresent(s -> b.setSignature(RegistryMapper.toProto(s)));
    return unary(RegistryGrpcClient.PublishVersion, b.build())
        .map(r -> new Published(RegistryMapper.fromProto(r.getVersion()), r.getCreated()));
  }

  public Future<CommittedVersion> getManifest(String model, String version) {
    return unary(RegistryGrpcClient.GetManifest,
        GetManifestRequest.newBuilder().setModel(model).setVersion(version).build())
        .map(r -> RegistryMapper.fromProto(r.getVersion()));
  }

  /** Committed versions in sequence order; {@code model} null or empty lists every model. */
  public Future<List<CommittedVersion>> listVersions(String model) {
    return unary(RegistryGrpcClient.ListVersions,
        ListVersionsRequest.newBuilder().setModel(model == null ? "" : model).build())
        .map(r -> r.getVersionsList().stream().map(RegistryMapper::fromProto).toList());
  }

  /** Registers or renews a distributor's lease; answers the lease length in ms. */
  public Future<Long> registerDistributor(String baseUrl, String distributorId) {
    return unary(RegistryGrpcClient.RegisterDistributor,
        RegisterDistributorRequest.newBuilder().setBaseUrl(baseUrl)
            .setDistributorId(distributorId).build())
        .map(r -> r.getLeaseMs());
  }

  /** Base URLs of live distributors, most recently registered last. */
  public Future<List<String>> listDistributors() {
    return unary(RegistryGrpcClient.ListDistributors,
        io.weightcast.protocol.v1.ListDistributorsRequest.getDefaultInstance())
        .map(r -> List.copyOf(r.getBaseUrlsList()));
  }

  public Future<Void> reportProgress(NodeProgress progress) {
    return unary(RegistryGrpcClient.ReportProgress, RegistryMapper.toProto(progress)).mapEmpty();
  }

  /** Like {@link #reportProgress(NodeProgress)}, with the node's free disk bytes (0: unknown). */
  public Future<Void> reportProgress(NodeProgress progress, long freeBytes) {
    return unary(RegistryGrpcClient.ReportProgress, RegistryMapper.toProto(progress).toBuilder()
        .setFreeBytes(Math.max(0, freeBytes)).build()).mapEmpty();
  }

  /**
   * Watches announcements after {@code fromSequence}, delivering each to {@code onAnnouncement}
   * on this caller's context, in sequence order. An announcement that fails to decode fails the
   * watch (the caller reconnects from its last good sequence).
   */
  public Future<Watch> watch(long fromSequence, List<String> models,
      Consumer<CommittedVersion> onAnnouncement) {
    return watch(fromSequence, models, onAnnouncement, null);
  }

  /**
   * Like {@link #watch(long, List, Consumer)}, but an announcement that fails validation goes to
   * {@code onInvalid} (its sequence and the failure) and the stream goes on; a null
   * {@code onInvalid} fails the watch instead.
   */
  public Future<Watch> watch(long fromSequence, List<String> models,
      Consumer<CommittedVersion> onAnnouncement,
      java.util.function.BiConsumer<Long, RuntimeException> onInvalid) {
    return watch(fromSequence, models, onAnnouncement, onInvalid, null);
  }

  /**
   * Like {@link #watch(long, List, Consumer, java.util.function.BiConsumer)}, and delivers each
   * model policy message to {@code onPolicy} (null ignores them; one that fails to decode is
   * dropped: the next carries the full state again).
   */
  public Future<Watch> watch(long fromSequence, List<String> models,
      Consumer<CommittedVersion> onAnnouncement,
      java.util.function.BiConsumer<Long, RuntimeException> onInvalid,
      Consumer<ModelPolicy> onPolicy) {
    WatchVersionsRequest request = WatchVersionsRequest.newBuilder()
        .setFromSequence(fromSequence).addAllModels(models).build();
    SocketAddress address = addresses.get(current);
    Future<Watch> watch = watchAt(address, request, onAnnouncement, onInvalid, onPolicy);
    watch.onFailure(e -> rotateFrom(address))
        .onSuccess(w -> w.done().onFailure(e -> rotateFrom(address)));
    return watch;
  }

  private Future<Watch> watchAt(SocketAddress address, WatchVersionsRequest request,
      Consumer<CommittedVersion> onAnnouncement,
      java.util.function.BiConsumer<Long, RuntimeException> onInvalid,
      Consumer<ModelPolicy> onPolicy) {
    return client.request(address, RegistryGrpcClient.WatchVersions)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(unavailable("cannot reach registry at " + address, e)))
        .compose(req -> authorized(req).send(request).map(resp -> {
          Promise<Void> done = Promise.promise();
          long[] lastMessage = {System.currentTimeMillis()};
          long silenceTimer = vertx.setPeriodic(Math.max(10, watchSilenceMs / 3), t -> {
            if (System.currentTimeMillis() - lastMessage[0] > watchSilenceMs) {
              req.cancel();
              done.tryFail(new Unavailable("watch stream silent for more than "
                  + watchSilenceMs + " ms"));
            }
          });
          done.future().onComplete(ar -> vertx.cancelTimer(silenceTimer));
          resp.handler((Announcement a) -> {
            lastMessage[0] = System.currentTimeMillis();
            if (a.hasPolicy()) {
              if (onPolicy != null) {
                try {
                  onPolicy.accept(RegistryMapper.fromProto(a.getPolicy()));
                } catch (WeightcastFailure e) {
                  LOG.warn("dropping an invalid model policy: {}", e.getMessage());
                }
              }
              return;
            }
            if (!a.hasVersion()) {
              return;
            }
            CommittedVersion version;
            try {
              version = RegistryMapper.fromProto(a.getVersion());
            } catch (RuntimeException e) {
              if (onInvalid != null) {
                onInvalid.accept(a.getVersion().getSequence(), e);
                return;
              }
              req.cancel();
              done.tryFail(e);
              return;
            }
            onAnnouncement.accept(version);
          });
          resp.exceptionHandler(e -> done.tryFail(unavailable("watch stream broke", e)));
          resp.endHandler(v -> {
            if (resp.status() == null || resp.status() == GrpcStatus.OK) {
              done.tryComplete();
            } else {
              done.tryFail(GrpcFailures.fromStatus(resp.status(), resp.statusMessage(), null));
            }
          });
          return new Watch(done.future(), () -> {
            req.cancel();
            done.tryComplete();
          });
        }).recover(e -> Future.failedFuture(asFailure(address, e))));
  }

  /** The registry in use ("host:port"). */
  public String currentRegistry() {
    SocketAddress a = addresses.get(current);
    return a.host() + ":" + a.port();
  }

  /** After a failure at {@code failed}: use the next registry (if nobody rotated already). */
  private void rotateFrom(SocketAddress failed) {
    if (addresses.size() > 1 && addresses.get(current).equals(failed)) {
      current = (current + 1) % addresses.size();
    }
  }

  @Override
  public void close() {
    client.close();
  }

  public Future<Void> closeAsync() {
    return client.close();
  }

  private <Req, Resp> Future<Resp> unary(ServiceMethod<Resp, Req> method, Req message) {
    return unary(method, message, System.currentTimeMillis() + timeoutMs);
  }

  /** One attempt; with several registries, UNAVAILABLE rotates and retries until the deadline. */
  private <Req, Resp> Future<Resp> unary(ServiceMethod<Resp, Req> method, Req message,
      long deadline) {
    SocketAddress address = addresses.get(current);
    Future<Resp> attempt = client.request(address, method).compose(req -> {
      req.timeout(timeoutMs, TimeUnit.MILLISECONDS);
      return sendUnary(authorized(req), message);
    }).recover(e -> Future.failedFuture(asFailure(address, e)));
    if (addresses.size() == 1) {
      return attempt;
    }
    return attempt.recover(e -> {
      if (!(e instanceof Unavailable) || System.currentTimeMillis() + 100 >= deadline) {
        return Future.failedFuture(e);
      }
      rotateFrom(address);
      return vertx.timer(100).compose(t -> unary(method, message, deadline));
    });
  }

  private <Req, Resp> GrpcClientRequest<Req, Resp> authorized(GrpcClientRequest<Req, Resp> req) {
    security.authorize(req.headers());
    return req;
  }

  private static <Req, Resp> Future<Resp> sendUnary(GrpcClientRequest<Req, Resp> req, Req message) {
    return req.send(message).compose(resp -> resp.last().recover(e -> Future.failedFuture(
        resp.status() != null && resp.status() != GrpcStatus.OK
            ? GrpcFailures.fromStatus(resp.status(), resp.statusMessage(), e)
            : e)));
  }

  private static WeightcastFailure asFailure(SocketAddress address, Throwable e) {
    if (e instanceof WeightcastFailure f) {
      return f;
    }
    return unavailable("registry at " + address + " did not answer", e);
  }

  private static Unavailable unavailable(String what, Throwable e) {
    return new Unavailable(what + ": " + e.getMessage(), e);
  }
}
