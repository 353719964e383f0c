package io.weightcast.distributor.store;

/** The outcome of {@link DiskChunkStore#ingest}: this call published the chunk, or it was there. */
public enum IngestResult {
  STORED,
  ALREADY_PRESENT
}
