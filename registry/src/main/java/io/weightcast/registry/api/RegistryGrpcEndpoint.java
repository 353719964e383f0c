package io.weightcast.registry.api;

import io.vertx.core.Future;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.v1.Announcement;
import io.weightcast.protocol.v1.GetManifestRequest;
import io.weightcast.protocol.v1.GetManifestResponse;
import io.weightcast.protocol.v1.ListVersionsRequest;
import io.weightcast.protocol.v1.ListVersionsResponse;
import io.weightcast.protocol.v1.PublishVersionRequest;
import io.weightcast.protocol.v1.PublishVersionResponse;
import io.weightcast.protocol.v1.RegisterDistributorRequest;
import io.weightcast.protocol.v1.RegisterDistributorResponse;
import io.weightcast.protocol.v1.RegistryGrpcService;
import io.weightcast.protocol.v1.RegistryService;
import io.weightcast.protocol.v1.ReportProgressRequest;
import io.weightcast.protocol.v1.ReportProgressResponse;
import io.weightcast.protocol.v1.WatchVersionsRequest;
import io.weightcast.protocol.wire.GrpcFailures;
import io.weightcast.protocol.wire.RegistryMapper;
import io.weightcast.registry.RegistryCore;
import io.weightcast.registry.limits.PublishLimits;
import io.weightcast.registry.watch.Announcer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC edge of the registry: converts protobufs to records, calls {@link RegistryCore}, and
 * maps failures to statuses in one place. Runs on the registry verticle's context.
 */
public final class RegistryGrpcEndpoint extends RegistryService {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryGrpcEndpoint.class);

  static final long HEARTBEAT_MS = 15_000;

  private final io.vertx.core.Vertx vertx;
  private final RegistryCore core;
  private final PublishLimits limits;

  public RegistryGrpcEndpoint(io.vertx.core.Vertx vertx, RegistryCore core) {
    this(vertx, core, PublishLimits.DEFAULTS);
  }

  public RegistryGrpcEndpoint(io.vertx.core.Vertx vertx, RegistryCore core,
      PublishLimits limits) {
    this.vertx = vertx;
    this.core = core;
    this.limits = limits;
  }

  /** Binds the unary methods through the generated service and the watch stream by hand. */
  public void bind(GrpcServer server) {
    server.addService(RegistryGrpcService.builder(this).bind(RegistryGrpcService.PublishVersion,
        RegistryGrpcService.GetManifest, RegistryGrpcService.ListVersions,
        RegistryGrpcService.RegisterDistributor, RegistryGrpcService.ReportProgress,
        RegistryGrpcService.ListDistributors).build());
    server.callHandler(RegistryGrpcService.WatchVersions, this::watch);
  }

  @Override
  public Future<PublishVersionResponse> publishVersion(PublishVersionRequest request) {
    return mapped("PublishVersion", () -> core.publish(limited(request),
            RegistryMapper.fromProto(request.hasSignature(), request.getSignature()))
        .map(p -> PublishVersionResponse.newBuilder()
            .setVersion(RegistryMapper.toProto(p.version())).setCreated(p.created()).build()));
  }

  /** The request's manifest, within {@link PublishLimits} (thrown failures become statuses). */
  private io.weightcast.protocol.Manifest limited(PublishVersionRequest request) {
    io.weightcast.protocol.Manifest m = RegistryMapper.fromProto(request.getManifest());
    limits.check(m, request.getManifest().getSerializedSize());
    return m;
  }

  @Override
  public Future<GetManifestResponse> getManifest(GetManifestRequest request) {
    return mapped("GetManifest", () -> Future.succeededFuture(core.catalog()
        .find(request.getModel(), request.getVersion())
        .map(v -> GetManifestResponse.newBuilder().setVersion(RegistryMapper.toProto(v)).build())
        .orElseThrow(() -> new io.weightcast.protocol.failure.NotFound("no version "
            + request.getModel() + "/" + request.getVersion()))));
  }

  @Override
  public Future<ListVersionsResponse> listVersions(ListVersionsRequest request) {
    return mapped("ListVersions", () -> {
      ListVersionsResponse.Builder b = ListVersionsResponse.newBuilder();
      java.util.List<String> models = request.getModel().isEmpty()
          ? java.util.List.of() : java.util.List.of(request.getModel());
      core.catalog().after(0, models).forEach(v -> b.addVersions(RegistryMapper.toProto(v)));
      return Future.succeededFuture(b.build());
    });
  }

  @Override
  public Future<RegisterDistributorResponse> registerDistributor(
      RegisterDistributorRequest request) {
    return mapped("RegisterDistributor", () -> Future.succeededFuture(
        RegisterDistributorResponse.newBuilder().setLeaseMs(core.leases()
            .renew(request.getDistributorId(), request.getBaseUrl())).build()));
  }

  @Override
  public Future<ReportProgressResponse> reportProgress(ReportProgressRequest request) {
    return mapped("ReportProgress", () -> {
      core.report(RegistryMapper.fromProto(request, System.currentTimeMillis()));
      core.rollouts().freeBytes(request.getNodeId(), request.getFreeBytes());
      return Future.succeededFuture(ReportProgressResponse.getDefaultInstance());
    });
  }

  @Override
  public Future<io.weightcast.protocol.v1.ListDistributorsResponse> listDistributors(
      io.weightcast.protocol.v1.ListDistributorsRequest request) {
    return mapped("ListDistributors", () -> Future.succeededFuture(
        io.weightcast.protocol.v1.ListDistributorsResponse.newBuilder()
            .addAllBaseUrls(core.leases().live()).build()));
  }

  /** Replays then streams; the subscription ends when the client cancels or the stream breaks. */
  private void watch(GrpcServerRequest<WatchVersionsRequest, Announcement> request) {
    request.handler(msg -> {
      // Headers first, so a watcher with nothing to replay knows at once the stream is open.
      request.response().writeHead();
      Announcer.Subscription sub = core.announcer().subscribe(msg.getFromSequence(),
          msg.getModelsList(), v -> request.response().write(
              Announcement.newBuilder().setVersion(RegistryMapper.toProto(v)).build()));
      // Then every watched model's policy, now and on each change (full state: idempotent).
      Runnable policies = core.control().watch(msg.getModelsList(), p -> request.response()
          .write(Announcement.newBuilder().setPolicy(RegistryMapper.toProto(p)).build()));
      // Heartbeats keep a quiet stream distinguishable from a dead connection (see the proto).
      long heartbeat = vertx.setPeriodic(HEARTBEAT_MS,
          t -> request.response().write(Announcement.getDefaultInstance()));
      core.metrics().watchOpened();
      boolean[] ended = {false};
      Runnable end = () -> {
        if (ended[0]) {
          return;
        }
        ended[0] = true;
        core.metrics().watchClosed();
        sub.cancel();
        policies.run();
        vertx.cancelTimer(heartbeat);
      };
      request.errorHandler(error -> end.run());
      request.exceptionHandler(e -> end.run());
      request.response().exceptionHandler(e -> end.run());
      request.connection().closeHandler(v -> end.run());
    });
  }

  private static <T> Future<T> mapped(String method, Supplier<Future<T>> call) {
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(e -> {
      if (e instanceof WeightcastFailure f) {
        LOG.info("{} refused: {}", method, f.getMessage());
      } else {
        LOG.error("{} failed", method, e);
      }
      return Future.failedFuture(GrpcFailures.toStatus(e));
    });
  }
}
