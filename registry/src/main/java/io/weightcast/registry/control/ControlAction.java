package io.weightcast.registry.control;

import io.weightcast.protocol.Names;
import java.util.Objects;

/**
 * One operator action, as recorded in the audit list.
 *
 * @param action pin, unpin, rollback, pause or resume
 * @param version the version acted on (for rollback: the version withdrawn); empty for unpin
 * @param who the {@code X-Weightcast-Actor} header of the request, or "anonymous"
 * @param atMs when the registry applied it, milliseconds since the epoch
 */
public record ControlAction(String action, String model, String version, String who, long atMs) {
  public ControlAction {
    Objects.requireNonNull(action, "action");
    Names.requireModel(model);
    version = version == null ? "" : version;
    who = who == null || who.isBlank() ? "anonymous" : who;
  }
}
