import type { AuditRepo } from "./repo.js";
import { type BrokenLink, type ChainAnchor, GENESIS, type SealedEvent, checkLink } from "./chain.js";

const PAGE = 1000;
/** Audit retention deletes at most this many events per transaction, and this many batches per pass. */
const PRUNE_BATCH = 1000;
const PRUNE_BATCHES_PER_PASS = 50;

export interface ChainReport {
  /** Sealed events walked. */
  checked: number;
  /** Where the walk started: the last event retention deleted; undefined while none was (GENESIS). */
  anchor: ChainAnchor | undefined;
  /** The last link walked: an export's last line carries the same, to compare with later. */
  last: { seq: number; hash: string } | undefined;
  /** Events written but not linked yet (another instance's sealer holds the lock right now). */
  unsealed: number;
  broken: BrokenLink | undefined;
}

/** An export's lines: the anchor first when the export starts where the kept chain starts, then the events. */
export type ExportLine = { anchor: ChainAnchor } | SealedEvent;

/**
 * The audit trail as a tamper-evident record. Events are written unlinked in the transaction of
 * the change they record; a sealer links them afterwards, one sealer at a time across instances,
 * so that no request waits on a lock held by every writer of every instance (README, "Audit trail").
 */
export function auditTrail(repo: Pick<AuditRepo, "seal" | "sealedAfter" | "firstSeqSince" | "countUnsealed" | "anchor" | "prune">) {
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

  async function walk(): Promise<ChainReport> {
    const anchor = await repo.anchor();
    let last: { seq: number; hash: string } | undefined;
    let checked = 0;
    let broken: BrokenLink | undefined;
    for await (const event of sealedFrom((anchor?.seq ?? 0) + 1)) {
      // From the anchor, or GENESIS: a chain whose first rows were deleted by other means than
      // retention fails at its first row, and so does an anchor that was edited.
      broken = checkLink(last ?? anchor ?? { seq: 0, hash: GENESIS }, event);
      if (broken) break;
      last = { seq: event.seq, hash: event.hash };
      checked++;
    }
    return { checked, anchor, last, unsealed: await repo.countUnsealed(), broken };
  }

  return {
    /** Links everything waiting (unless another instance is sealing now); how many it linked. */
    async seal(): Promise<number> {
      let total = 0;
      for (let linked = await repo.seal(); linked > 0; linked = await repo.seal()) total += linked;
      return total;
    },

    /** Walks the whole kept chain from its anchor (or its first link) and names the first one broken. */
    async verify(): Promise<ChainReport> {
      const report = await walk();
      // Retention moving the anchor past the walk's start while it read is no break: walk again.
      if (report.broken && report.checked === 0 && (await repo.anchor())?.seq !== report.anchor?.seq) return walk();
      return report;
    },

    /**
     * Audit retention: deletes the sealed events created before `before` from the chain's old end,
     * in batches of PRUNE_BATCH (each its own transaction), at most PRUNE_BATCHES_PER_PASS of them
     * per call: the next pass continues. Returns how many it deleted.
     */
    async prune(before: number): Promise<number> {
      let total = 0;
      for (let batch = 0; batch < PRUNE_BATCHES_PER_PASS; batch++) {
        const deleted = await repo.prune(before, PRUNE_BATCH);
        total += deleted;
        if (deleted < PRUNE_BATCH) break;
      }
      return total;
    },

    /**
     * An export's lines: all, or from the first event sealed at or after `since` (epoch ms) /
     * sequence number. One that starts where the kept chain starts begins with its anchor.
     */
    async *export(since: { time: number } | { seq: number } | undefined): AsyncGenerator<ExportLine> {
      const anchor = await repo.anchor();
      const first = (anchor?.seq ?? 0) + 1;
      const wanted = since === undefined ? first : "seq" in since ? since.seq : await repo.firstSeqSince(since.time);
      if (wanted === undefined) return;
      const from = Math.max(first, wanted);
      if (anchor && from === first) yield { anchor };
      yield* sealedFrom(from);
    },
  };
}

export type AuditTrail = ReturnType<typeof auditTrail>;
