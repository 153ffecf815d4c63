import type { AuditRepo } from "./repo.js";
import { type BrokenLink, GENESIS, type SealedEvent, checkLink } from "./chain.js";

const PAGE = 1000;

export interface ChainReport {
  /** Sealed events walked. */
  checked: number;
  /** The last link walked: an export's last line carries the same, to compare with later. */
  last: { seq: number; hash: string } | undefined;
  /** Events written but not linked yet (another instance's sealer holds the lock right now). */
  unsealed: number;
  broken: BrokenLink | undefined;
}

/**
 * The audit trail as a tamper-evident record. Events are written unlinked in the transaction of
 * the change they record; a sealer links them afterwards, one sealer at a time across instances,
 * so that no request waits on a lock held by every writer of every instance (README, "Audit trail").
 */
export function auditTrail(repo: Pick<AuditRepo, "seal" | "sealedAfter" | "firstSeqSince" | "countUnsealed">) {
  /** Every sealed event from sequence number `from` on, in chain order, a page at a time. */
  async function* sealedFrom(from: number): AsyncGenerator<SealedEvent> {
    let after = from - 1;
    for (;;) {
      const page = await repo.sealedAfter(after, PAGE);
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  return {
    /** Links everything waiting (unless another instance is sealing now); how many it linked. */
    async seal(): Promise<number> {
      let total = 0;
      for (let linked = await repo.seal(); linked > 0; linked = await repo.seal()) total += linked;
      return total;
    },

    /** Walks the whole chain from its first link and names the first one broken. */
    async verify(): Promise<ChainReport> {
      let last: { seq: number; hash: string } | undefined;
      let checked = 0;
      let broken: BrokenLink | undefined;
      for await (const event of sealedFrom(1)) {
        // The walk starts at GENESIS: a chain whose first rows were deleted fails at its first row.
        broken = checkLink(last ?? { seq: 0, hash: GENESIS }, event);
        if (broken) break;
        last = { seq: event.seq, hash: event.hash };
        checked++;
      }
      return { checked, last, unsealed: await repo.countUnsealed(), broken };
    },

    /** Sealed events as an export writes them: all, or from the first one sealed at or after `since` (epoch ms) / sequence number. */
    async *export(since: { time: number } | { seq: number } | undefined): AsyncGenerator<SealedEvent> {
      const from = since === undefined ? 1 : "seq" in since ? since.seq : await repo.firstSeqSince(since.time);
      if (from === undefined) return;
      yield* sealedFrom(from);
    },
  };
}

export type AuditTrail = ReturnType<typeof auditTrail>;
