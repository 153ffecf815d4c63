import type { RuleName } from "./rules.js";

/** What a failed check leads to: a final no, a new attempt on the same session, or a person's look. */
export type Action = "decline" | "resubmit" | "review";

/**
 * An integration's decision policy. Versioned: every decision records the version it was made
 * under, so that a replay can tell a changed policy from a changed engine.
 */
export interface Policy {
  version: number;
  face: {
    /** Cosine similarity of the document's face and the selfie's at or above which they are the same person. */
    threshold: number;
    /** Below the threshold but at or above this, a person looks (review) instead of a decline. */
    reviewFrom: number;
  };
  /** Years; null for no age check. */
  minimumAge: number | null;
  /** ICAO specimens (state UTO): "flag" records them and decides as for any document; "decline" refuses them (508). */
  specimens: "flag" | "decline";
  /** What each rule leads to when it is not its default (see RULES). */
  actions: Partial<Record<RuleName, Action>>;
}

/**
 * The default threshold comes from bench/engine-face.ts: the lowest similarity at which at most 1%
 * of the impostor pairs passing the size and pose gate are accepted, and 0.015 above every pair of
 * Biden and Obama photos (the only two known different people in the evaluation set), rounded up.
 * With faces read at 1024 px the highest such pair is 0.566 (at 1280 px the rule gave 0.58).
 */
export const DEFAULT_FACE_THRESHOLD = 0.59;

export const DEFAULT_POLICY: Policy = {
  version: 1,
  face: { threshold: DEFAULT_FACE_THRESHOLD, reviewFrom: 0.5 },
  minimumAge: 18,
  specimens: "flag",
  actions: {},
};
