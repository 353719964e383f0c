package io.weightcast.protocol.wire;

/**
 * The distributor's topology API (JSON over HTTP), which agents use to share what they hold:
 *
 * <ul>
 *   <li>{@code POST /v1/topology/announce}: {@code {"node","zone","rack","serveUrl",
 *       "have":[sha256...], "fetched":[{"chunk":sha256,"from":url}...], "full":bool,
 *       "crossing":[sha256...]}} — chunks now held verified, and where each was fetched from (the
 *       transfer log); {@code full} marks a node's complete holding (first announcement after a
 *       start); {@code crossing}: chunks the node is still fetching across its rack's boundary,
 *       whose grants it renews (a slow crossing keeps its grant instead of letting a rack-mate
 *       start a second one). Agents announce at least every 10 s, and every 3 s while crossings
 *       are in flight; a node silent for 30 s is not offered as a source. 204.</li>
 *   <li>{@code POST /v1/topology/sources}: {@code {"node","zone","rack","serveUrl",
 *       "chunks":[sha256...]}} answers {@code {"sources":{sha256:[url...]}, "wait":[sha256...],
 *       "crossing":[sha256...]}}: sources to try in order, or chunks whose copy is already on its
 *       way into the rack or zone (ask again shortly); {@code crossing} lists the chunks whose
 *       sources are outside the requester's rack (fetch their encoded frame from a peer). With {@code "want": n} it is a <em>pick</em>: {@code chunks}
 *       are the requester's missing chunks in its preferred order, and at most {@code n} of them
 *       get sources — first chunks that may cross into its rack now (granted), then chunks held
 *       inside its rack; the rest are listed under {@code wait} with nothing granted.</li>
 *   <li>{@code POST /v1/topology/failures}: {@code {"node","source","chunk","reason","goingOn"}}:
 *       a source failed, stalled or sent bytes that did not verify. Repeated offenders are
 *       quarantined. The reporter's crossing grant for the chunk is released, unless
 *       {@code goingOn} (default false): it tries the next source of the same answer.</li>
 *   <li>{@code GET /v1/topology/transfers}, {@code GET /v1/topology/nodes}: the transfer log and
 *       the known nodes (each with {@code quarantined}: skipped as a source after repeated failures),
 *       for operators and tests.</li>
 * </ul>
 */
public final class TopologyHttp {
  public static final String ANNOUNCE_PATH = "/v1/topology/announce";
  public static final String SOURCES_PATH = "/v1/topology/sources";
  public static final String FAILURES_PATH = "/v1/topology/failures";
  public static final String TRANSFERS_PATH = "/v1/topology/transfers";
  public static final String NODES_PATH = "/v1/topology/nodes";

  private TopologyHttp() {}
}
