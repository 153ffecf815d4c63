import { apiError } from "../errors.js";

/**
 * Requests per session token in a fixed window, in this process's memory: a person needs a few
 * dozen calls per attempt, a script hammering one token gets 429 (1904). Behind several instances
 * the bound is per instance, which is enough to stop a loop; it protects, it does not meter.
 */
export function rateLimiter({ limit, windowMs, now = Date.now }: { limit: number; windowMs: number; now?: () => number }) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(key: string): void {
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.start >= windowMs) {
        if (windows.size > 100_000) windows.clear();
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      if (++window.count > limit) throw apiError("RATE_LIMITED", { detail: `at most ${limit} requests a minute for one verification` });
    },
  };
}
