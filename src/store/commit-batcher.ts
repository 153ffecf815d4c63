/**
 * Group commit: rows enqueued while a commit is running, or within the same turn of the event loop,
 * are written together by one `flush` (one transaction), and every caller's promise settles when that
 * transaction has committed. Under load this turns N commits into one without delaying a lone
 * request by more than a tick.
 */
export function commitBatcher<T>(flush: (items: T[]) => Promise<void>, maxBatch = 256) {
  let queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running = false;
  let scheduled = false;

  const run = async () => {
    scheduled = false;
    running = true;
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      try {
        await flush(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    running = false;
  };

  return {
    enqueue(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!running && !scheduled) {
          scheduled = true;
          setImmediate(run);
        }
      });
    },
  };
}
