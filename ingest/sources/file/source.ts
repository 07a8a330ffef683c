import type { Logger } from '../../../core/logging.js';
import { silentLogger } from '../../../core/logging.js';
import type { Source, SourceBatch } from '../../contracts.js';
import { type ChunkOptions, fileChunks } from './chunks.js';
import { type FilePositions, noFilePositions } from './positions.js';
import { notFlowLog, readHead } from './sniff.js';
import { type FileEntry, listFiles, type WalkNote } from './walk.js';

export interface FileSourceOptions {
  paths: readonly string[];
  /** Body size target (default 16 MiB): big files stream in bounded memory. */
  chunkBytes?: number;
  maxBodyBytes?: number;
  positions?: FilePositions;
  logger?: Logger;
  /** Called when a file is skipped because it was ingested completely before. */
  onSkip?: (file: FileEntry) => void;
  /**
   * Called with a one-line note for each path skipped for another reason: a symlink loop or
   * unreadable entry, or a JSON file that is not a flow log (an NSG export, a ground-truth file).
   * Without it, notes are logged at info level.
   */
  onNote?: WalkNote;
}

export interface FileSource extends Source {
  /** The files this source will read (resolved once, in order). */
  files(): Promise<FileEntry[]>;
}

export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Replays local files and directories: each file is cut into bodies at record boundaries (format
 * detection is the normalizer's job). Positions are `file` + absolute path + byte range, so
 * re-ingesting the same files adds no rows; a file whose every body was acked is recorded in
 * `ingest_positions` and skipped next time while its size and mtime are unchanged.
 */
export function createFileSource(options: FileSourceOptions): FileSource {
  const chunking: ChunkOptions = {
    chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    maxBodyBytes: options.maxBodyBytes ?? 16 * (options.chunkBytes ?? DEFAULT_CHUNK_BYTES),
  };
  const positions = options.positions ?? noFilePositions;
  const logger = options.logger ?? silentLogger();
  let listed: Promise<FileEntry[]> | undefined;
  let stopped = false;
  const note: WalkNote = (path, text) => {
    if (options.onNote) options.onNote(path, text);
    else logger.info({ file: path, note: text }, 'file skipped');
  };
  const files = () => {
    listed ??= listFiles(options.paths, note);
    return listed;
  };

  async function* batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    for (const file of await files()) {
      if (signal.aborted || stopped) return;
      if (await positions.isDone(file)) {
        options.onSkip?.(file);
        continue;
      }
      const why = await skipReason(file);
      if (why) {
        note(file.path, `skipped: ${why}`);
        continue;
      }
      const tracker = completion(file, positions, logger);
      for await (const chunk of fileChunks(file.path, file.size, chunking)) {
        if (signal.aborted || stopped) return;
        yield {
          body: chunk.body,
          position: { kind: 'file', key: file.path, start: chunk.start, end: chunk.end },
          meta: { source: `file:${file.path}`, baseOffset: chunk.start },
          dataTimeMs: file.mtimeMs,
          ack: tracker.add(),
        };
      }
      await tracker.exhausted();
    }
  }

  return {
    name: 'file',
    files,
    batches,
    /** Stops reading and records the files completed so far (marks are written in groups). */
    async stop() {
      stopped = true;
      await positions.flush();
    },
  };
}

/** Why a listed file is not read: not a flow log, or gone/unreadable since it was listed. */
async function skipReason(file: FileEntry): Promise<string | null> {
  try {
    return notFlowLog(await readHead(file.path));
  } catch (err) {
    return `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}

/**
 * Marks a file done once it was read to the end and every one of its batches was acked (acks may
 * come before or after the reader reaches the end, since the pipeline reads ahead).
 */
function completion(file: FileEntry, positions: FilePositions, logger: Logger) {
  let yielded = 0;
  let acked = 0;
  let ended = false;
  const maybeDone = async () => {
    if (ended && acked === yielded) {
      await positions.markDone(file).catch((err: unknown) => {
        // Only an optimisation is lost: the next run re-reads the file and dedup drops its rows.
        logger.warn({ err: String(err), file: file.path }, 'could not record completed file');
      });
    }
  };
  return {
    add(): () => Promise<void> {
      yielded++;
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        acked++;
        await maybeDone();
      };
    },
    async exhausted() {
      ended = true;
      await maybeDone();
    },
  };
}
