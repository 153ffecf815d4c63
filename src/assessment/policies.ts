import { type Actor, type ActorName, OPERATOR, actorName, byReviewer } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import { DEFAULT_POLICY, type Policy } from "../engine/policy/policy.js";
import type { IntegrationService } from "../integrations/service.js";
import type { AssessmentRepo, PolicyRow } from "./repo.js";

/** What an operator may change of an integration's policy (`earthid integrations policy`). */
export interface PolicyChange {
  /** Face similarity at or above which the selfie and the document show the same person, 0 < t ≤ 1. */
  faceThreshold?: number | undefined;
  /** Similarities from this up to the threshold go to a person (review); equal to the threshold: none do. */
  reviewFrom?: number | undefined;
  /** Years, or null for no age check. */
  minimumAge?: number | null | undefined;
  specimens?: Policy["specimens"] | undefined;
}

type Settings = Omit<Policy, "version">;

/** The policy in force, with when and by whom its version was made; `made` is null for the default (never changed). */
export interface PolicyInForce {
  policy: Policy;
  made: { at: number; by: ActorName | null; reviewerId: string | null } | null;
}

const settingsOf = ({ version: _, ...settings }: Policy): Settings => settings;
const policyOf = (row: PolicyRow): Policy => ({ ...(JSON.parse(row.settings) as Settings), version: row.version });

/** The values the audit event and the CLI name, flat. */
function flat(policy: Policy): Record<string, number | string | null> {
  return { faceThreshold: policy.face.threshold, reviewFrom: policy.face.reviewFrom, minimumAge: policy.minimumAge, specimens: policy.specimens };
}

function checked(current: Policy, change: PolicyChange): Policy {
  const threshold = change.faceThreshold ?? current.face.threshold;
  // A new threshold below the old review band's start moves the band's start down with it.
  const reviewFrom = change.reviewFrom ?? Math.min(current.face.reviewFrom, threshold);
  if (!(threshold > 0 && threshold <= 1)) throw new TypeError(`the face threshold must be above 0 and at most 1, got ${threshold}`);
  if (!(reviewFrom >= 0 && reviewFrom <= threshold)) throw new TypeError(`the review band must start from 0 up to the face threshold (${threshold}), got ${reviewFrom}`);
  const minimumAge = change.minimumAge === undefined ? current.minimumAge : change.minimumAge;
  if (minimumAge !== null && !(Number.isInteger(minimumAge) && minimumAge >= 1 && minimumAge <= 125)) throw new TypeError(`the minimum age must be a whole number of years from 1 to 125, or none; got ${minimumAge}`);
  const specimens = change.specimens ?? current.specimens;
  if (specimens !== "flag" && specimens !== "decline") throw new TypeError(`specimens must be flag or decline, got ${String(specimens)}`);
  return { ...current, version: current.version + 1, face: { threshold, reviewFrom }, minimumAge, specimens };
}

/**
 * Each integration's decision policy, versioned: the default (version 1) until an operator changes
 * it; every change is a new version, audited, and every assessment records the version it was made
 * under, so that a replay judges by the same one.
 */
export function integrationPolicies({ repo, integrations, audit, now = Date.now }: { repo: AssessmentRepo; integrations: Pick<IntegrationService, "getIntegration">; audit: Pick<AuditRepo, "record">; now?: () => number }) {
  return {
    async current(integrationId: string): Promise<Policy> {
      const row = await repo.latestPolicy(integrationId);
      return row ? policyOf(row) : DEFAULT_POLICY;
    },

    /** The same, with who made the version and when (the back-office shows it). */
    async inForce(integrationId: string): Promise<PolicyInForce> {
      const row = await repo.latestPolicy(integrationId);
      if (!row) return { policy: DEFAULT_POLICY, made: null };
      return { policy: policyOf(row), made: { at: Number(row.created_at), by: row.created_by as ActorName | null, reviewerId: row.created_by_reviewer } };
    },

    /** The version an assessment was made under; undefined for one this integration never had. */
    async atVersion(integrationId: string, version: number): Promise<Policy | undefined> {
      if (version === DEFAULT_POLICY.version) return DEFAULT_POLICY;
      const row = await repo.policyVersion(integrationId, version);
      return row ? policyOf(row) : undefined;
    },

    /** A new version from the current one with `change`; undefined when there is no such integration. */
    async change(integrationId: string, change: PolicyChange, actor: Actor = OPERATOR): Promise<{ policy: Policy; changes: Record<string, { from: number | string | null; to: number | string | null }> } | undefined> {
      if (!(await integrations.getIntegration(integrationId))) return undefined;
      return repo.transaction(async (trx) => {
        const latest = await repo.latestPolicy(integrationId, trx);
        const current = latest ? policyOf(latest) : DEFAULT_POLICY;
        const next = checked(current, change);
        const before = flat(current);
        const changes = Object.fromEntries(Object.entries(flat(next)).filter(([name, value]) => before[name] !== value).map(([name, to]) => [name, { from: before[name] ?? null, to }]));
        if (Object.keys(changes).length === 0) return { policy: current, changes };
        const at = now();
        const reviewer = byReviewer(actor).reviewerId ?? null;
        await repo.insertPolicy(trx, { integration_id: integrationId, version: next.version, settings: JSON.stringify(settingsOf(next)), created_at: at, created_by: actorName(actor), created_by_reviewer: reviewer });
        await audit.record(trx, { integrationId, sessionId: null, actor, at, event: { type: "integration.policy_changed", data: { version: next.version, changes, ...byReviewer(actor) } } });
        return { policy: next, changes };
      });
    },
  };
}

export type IntegrationPolicies = ReturnType<typeof integrationPolicies>;
