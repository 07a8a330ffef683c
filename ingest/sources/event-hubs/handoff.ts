/**
 * Hands items from SDK callbacks (push) to the pipeline's `for await` (pull). Unbounded by itself;
 * the bound comes from the producers: each partition worker offers one batch and waits for its ack.
 */
export class Handoff<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.notify();
  }

  /** Next item; undefined once closed or when `signal` aborts. */
  async take(signal: AbortSignal): Promise<T | undefined> {
    while (this.items.length === 0) {
      if (this.closed || signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    return this.items.shift();
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
