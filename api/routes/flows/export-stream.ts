/** Export slots: how many exports stream at once, released exactly once per export. */
export interface ExportSlots {
  running: number;
}

export interface ExportStreamOptions {
  slots: ExportSlots;
  /** Aborts when the client goes away (the request's signal). */
  signal: AbortSignal;
  /** A stream nobody reads for this long is cancelled and its slot freed. */
  idleMs: number;
}

/**
 * Wraps the export's byte generator in a pull-driven web stream that holds one slot. Nothing is read
 * before a consumer pulls (highWaterMark 0), and the slot is freed on the end, an error, cancel, the
 * client's abort, or `idleMs` without a pull — a body nobody reads (a dropped HEAD body, a stalled
 * client) would otherwise hold its slot forever and leave every later export at 429.
 */
export function exportStream(
  rows: AsyncGenerator<Uint8Array>,
  o: ExportStreamOptions,
): ReadableStream<Uint8Array> {
  o.slots.running++;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const finish = (reason?: unknown): void => {
    if (done) return;
    done = true;
    o.slots.running--;
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    // Ends the generator's finally blocks (its ClickHouse reads) without waiting on a pending page.
    void rows.return(undefined).catch(() => undefined);
    // An error, not a close: the reader must see a truncated export as truncated.
    if (reason !== undefined) controller?.error(reason);
  };
  // Nobody is left to read: end quietly (an error here would only be logged by the server).
  const onAbort = (): void => {
    finish();
    if (controller) closeQuietly(controller);
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(new Error('export idle: nobody read it')), o.idleMs);
    timer.unref();
  };
  if (o.signal.aborted) finish();
  else o.signal.addEventListener('abort', onAbort, { once: true });
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (!done) arm();
      },
      async pull(c) {
        if (done) return closeQuietly(c);
        clearTimeout(timer);
        try {
          const next = await rows.next();
          if (done) return closeQuietly(c);
          if (next.done) {
            finish();
            c.close();
          } else {
            c.enqueue(next.value);
            arm();
          }
        } catch (err) {
          finish(err);
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 0 },
  );
}

function closeQuietly(c: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    c.close();
  } catch {
    // Already errored or closed: the reader has its answer.
  }
}
