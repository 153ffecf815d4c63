import { type ChainedEvent, linkHash } from "../store/audit-chain.js";

export { type ChainedEvent, GENESIS, linkHash } from "../store/audit-chain.js";

/** A sealed event as stored and exported: its fields, the previous event's hash and its own. */
export interface SealedEvent extends ChainedEvent {
  prevHash: string;
  hash: string;
}

/**
 * The last event audit retention deleted (EARTHID_AUDIT_RETENTION_DAYS): the oldest kept event
 * links to it as the first event links to GENESIS. An export writes it first.
 */
export interface ChainAnchor {
  seq: number;
  hash: string;
  createdAt: number;
}

/** The first thing wrong with a link, in words an operator can act on. */
export type BrokenLink =
  | { seq: number; id: string; problem: "edited"; detail: string }
  | { seq: number; id: string; problem: "missing"; detail: string }
  | { seq: number; id: string; problem: "relinked"; detail: string };

/** Checks `event` as the link after `previous` ({ seq: 0, hash: GENESIS } before the first). Undefined when the link holds. */
export function checkLink(previous: { seq: number; hash: string }, event: SealedEvent): BrokenLink | undefined {
  const expectedSeq = previous.seq + 1;
  if (event.seq !== expectedSeq) {
    const gap = event.seq - 1 > expectedSeq ? `sequence numbers ${expectedSeq}–${event.seq - 1} are` : `sequence number ${expectedSeq} is`;
    return { seq: event.seq, id: event.id, problem: "missing", detail: `${gap} missing before it (deleted, or renumbered)` };
  }
  if (event.prevHash !== previous.hash) {
    return { seq: event.seq, id: event.id, problem: "relinked", detail: "its previous hash is not the hash of the event before it (an event was replaced or moved)" };
  }
  if (linkHash(event.prevHash, event) !== event.hash) {
    return { seq: event.seq, id: event.id, problem: "edited", detail: "its content no longer matches its hash (edited, or moved)" };
  }
  return undefined;
}
