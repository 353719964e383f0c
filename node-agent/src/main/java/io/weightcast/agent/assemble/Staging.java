package io.weightcast.agent.assemble;

import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.NoSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two filesystem transitions of a version: into staging ({@link #open}) and out of it into
 * {@code DATA/models} ({@link #publish}). Stateless; each call works on one version, which the
 * caller assembles from one place at a time.
 */
final class Staging {
  private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

  private Staging() {}

  /**
   * Opens a version for assembly.
   *
   * <ol>
   *   <li>already in {@code DATA/models}: published, nothing to do (a journal left by a crash
   *       right after the publish rename is removed);
   *   <li>a journal of this manifest's digest next to an existing staging dir: resume; anything
   *       else staged for this version (another manifest, no journal, torn header): discard;
   *   <li>check free space against the bytes still to preallocate, before creating anything;
   *   <li>create the staging dir and the journal, preallocate every file, fsync the directories
   *       (a journaled chunk must never outlive its file's directory entry);
   *   <li>replay the journal; re-hash the done chunks if configured.
   * </ol>
   */
  static VersionAssembly open(DataLayout layout, Manifest m, AssemblyConfig config)
      throws IOException {
    Path stagingDir = layout.stagingDir(m.model(), m.version());
    Path journalPath = layout.journal(m.model(), m.version());
    StagedFiles files = StagedFiles.resolve(stagingDir, m);
    ChunkTable table = new ChunkTable(m);
    if (Files.isDirectory(layout.versionDir(m.model(), m.version()), LinkOption.NOFOLLOW_LINKS)) {
      if (Files.deleteIfExists(journalPath)) {
        DurableFiles.syncDir(journalPath.getParent());
      }
      table.missing().forEach(table::replayDone);
      return new VersionAssembly(layout, m, config, files, table, null, true);
    }
    AssemblyJournal.Replay replay = AssemblyJournal.read(journalPath);
    boolean resume = replay.belongsTo(m.digest())
        && Files.isDirectory(stagingDir, LinkOption.NOFOLLOW_LINKS);
    if (!resume && (Files.exists(stagingDir) || Files.exists(journalPath))) {
      LOG.info("discarding staged {}: journal {}", m.id(),
          replay.manifestDigest() == null ? "missing or unreadable" : "of another manifest");
      discard(stagingDir, journalPath);
    }
    requireSpace(stagingDir, files.bytesToAllocate(), config.freeSpaceMargin(), m);
    AssemblyJournal journal = null;
    try {
      DurableFiles.createDirs(stagingDir);
      journal = resume ? AssemblyJournal.resume(journalPath, replay.validLength())
          : AssemblyJournal.create(journalPath, m.digest(), new long[0]);
      files.preallocate();
      DurableFiles.syncTree(stagingDir);
    } catch (IOException | RuntimeException e) {
      cleanUpFailedOpen(e, journal, resume ? null : stagingDir, journalPath);
      throw e;
    }
    for (long record : resume ? replay.records() : new long[0]) {
      replayRecord(table, m, (int) (record >>> 32), (int) record);
    }
    VersionAssembly assembly = new VersionAssembly(layout, m, config, files, table, journal, false);
    if (config.reverifyOnOpen() && table.doneChunks() > 0) {
      try {
        int damaged = assembly.reverify();
        LOG.info("reverified {}: {} done chunk(s) damaged on disk", m.id(), damaged);
      } catch (IOException | RuntimeException e) {
        assembly.close();
        throw e;
      }
    }
    return assembly;
  }

  /**
   * Moves a complete, fsynced staging dir into {@code DATA/models} and returns the version dir.
   *
   * <ol>
   *   <li>fsync every staging directory; create {@code DATA/models/MODEL} (fsyncing parents);
   *   <li>rename staging -> version dir (atomic, same filesystem), stamp its mtime with the
   *       publish time ({@link ModelStore#retain} orders by it);
   *   <li>fsync the version dir and both parents; delete the journal and fsync its directory.
   * </ol>
   */
  static Path publish(DataLayout layout, Manifest m, AssemblyJournal journal) throws IOException {
    Path stagingDir = layout.stagingDir(m.model(), m.version());
    Path versionDir = layout.versionDir(m.model(), m.version());
    DurableFiles.syncTree(stagingDir);
    DurableFiles.createDirs(versionDir.getParent());
    Files.move(stagingDir, versionDir, StandardCopyOption.ATOMIC_MOVE);
    Files.setLastModifiedTime(versionDir, FileTime.from(Instant.now()));
    DurableFiles.syncDir(versionDir);
    DurableFiles.syncDir(versionDir.getParent());
    DurableFiles.syncDir(stagingDir.getParent());
    journal.close();
    Files.delete(journal.path());
    DurableFiles.syncDir(stagingDir.getParent());
    return versionDir;
  }

  /** Removes a version's staging dir and journal (absent is fine). */
  static void discard(Path stagingDir, Path journalPath) throws IOException {
    DurableFiles.deleteTree(journalPath);
    DurableFiles.deleteTree(stagingDir);
    if (Files.isDirectory(stagingDir.getParent())) {
      DurableFiles.syncDir(stagingDir.getParent());
    }
  }

  private static void requireSpace(Path stagingDir, long needed, long margin, Manifest m)
      throws IOException {
    Path existing = stagingDir;
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    long usable = Files.getFileStore(existing).getUsableSpace();
    if (usable < needed + margin) {
      throw new NoSpace("no space for " + m.id() + ": needs " + needed
          + " bytes plus a margin of " + margin + ", but " + existing + " has " + usable
          + " bytes free");
    }
  }

  private static void replayRecord(ChunkTable table, Manifest m, int fileIndex, int chunkIndex) {
    if (fileIndex < 0 || fileIndex >= m.files().size()
        || chunkIndex < 0 || chunkIndex >= m.files().get(fileIndex).chunks().size()) {
      LOG.warn("journal of {} names chunk {} of file {}, not in the manifest; ignored", m.id(),
          chunkIndex, fileIndex);
      return;
    }
    table.replayDone(table.location(fileIndex, chunkIndex));
  }

  private static void cleanUpFailedOpen(Exception failure, AssemblyJournal journal,
      Path freshStagingDir, Path journalPath) {
    try {
      if (journal != null) {
        journal.close();
      }
      if (freshStagingDir != null) {
        discard(freshStagingDir, journalPath);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
