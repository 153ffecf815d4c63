/**
 * Group commit: rows enqueued while a commit is running, or within the same turn of the event loop,
 * are written together by one `flush` (one transaction), and every caller's promise settles when that
 * transaction has committed. Under load this turns N commits into one without delaying a lone
 * request by more than a tick.
 *
 * `concurrency` lets that many flushes be in flight at once, each taking what has queued up by the
 * time it starts: for a server database, where a commit is mostly waiting (round trips, the WAL
 * flush) and other connections of the pool can use that time. SQLite's one connection keeps 1.
 */
export function commitBatcher<T>(flush: (items: T[]) => Promise<void>, maxBatch = 256, concurrency = 1) {
  let queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running = 0;
  let scheduled = false;

  const run = async () => {
    scheduled = false;
    running++;
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      const items = new Array<T>(batch.length);
      for (let i = 0; i < batch.length; i++) items[i] = batch[i]!.item;
      try {
        await flush(items);
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    running--;
  };

  return {
    enqueue(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (running < concurrency && !scheduled) {
          scheduled = true;
          setImmediate(run);
        }
      });
    },
  };
}
