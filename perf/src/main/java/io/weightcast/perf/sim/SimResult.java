package io.weightcast.perf.sim;

/**
 * What one simulated rollout measured. Byte totals are in model sizes (bytes / model bytes).
 *
 * @param policy the policy's name
 * @param lastActiveS time until the last host holds every chunk (time-to-last-active)
 * @param medianActiveS time until half the hosts hold every chunk
 * @param rackInMax most bytes into one rack over its uplink
 * @param rackInMean mean bytes into a rack over its uplink
 * @param rackOutMax most bytes out of one rack over its uplink
 * @param rackOutMean mean bytes out of a rack over its uplink
 * @param zoneInMax most bytes into one zone over its uplink
 * @param originOut bytes sent by the origin
 * @param peakRackCrossings most transfers crossing into one rack at once (from the origin or
 *     another rack)
 * @param steps time steps simulated
 * @param wallMs wall-clock time the simulation took
 */
public record SimResult(String policy, double lastActiveS, double medianActiveS,
    double rackInMax, double rackInMean, double rackOutMax, double rackOutMean,
    double zoneInMax, double originOut, int peakRackCrossings, long steps, long wallMs) {}
