import type { DeliveryView } from "../webhooks/service.js";
import type { TestWebhookResult } from "../verification/test-webhook.js";
import type { ReviewerAccounts } from "./accounts.js";
import type { BackofficeDb } from "./tables.js";
import type { Policy } from "../engine/policy/policy.js";
import type { PolicyChange } from "../assessment/policies.js";
import type { Keyring } from "../crypto/keyring.js";

/** What the back-office asks of the rest of the service: the one seam that the adapter fills. */
export type Verdict = "approved" | "declined" | "resubmission_requested";

export interface QueueFilter {
  status: string;
  integrationId?: string | undefined;
  /** Created on or after / before (epoch ms). */
  from?: number | undefined;
  to?: number | undefined;
  vendorData?: string | undefined;
  limit: number;
}

export interface SessionSummary {
  id: string;
  integrationId: string;
  status: string;
  vendorData: string | null;
  attemptId: string | null;
  createdAt: number;
  submittedAt: number | null;
  decidedAt: number | null;
}

/** The session a view is recorded against, as the page or the image already read it. */
export type ViewedSession = Pick<SessionSummary, "id" | "integrationId">;

export interface SessionDetail extends SessionSummary {
  erased: boolean;
  deleted: boolean;
  /** What the integrator sent (person, document), opened for the reviewer; empty once erased. */
  sent: Record<string, unknown>;
  /** Checks the engine recorded, when there are any. */
  checks: Array<{ name: string; score: number | null; threshold: number | null; passed: boolean | null; evidence: string | null }>;
  media: Array<{ id: string; context: string; mimetype: string; width: number | null; height: number | null; size: number; attemptId: string }>;
  decisions: Array<{ id: string; status: string; code: number; reasonCode: number | null; reason: string | null; decidedBy: string; decidedAt: number }>;
  events: Array<{ type: string; actor: string; at: number; data: Record<string, unknown> }>;
}

export interface IntegrationSummary {
  id: string;
  name: string;
  isTest: boolean;
  active: boolean;
  apiKey: string;
  callbackUrl: string | null;
  decisionWebhookUrl: string | null;
  eventWebhookUrl: string | null;
  /** Origins allowed to embed the hosted flow. */
  frameAncestors: string[];
  /** Every request must carry the timestamped signature. */
  strictSignatures: boolean;
  createdAt: string;
}

/** The engine's decision policy in force, and who made its version (null: the default, never changed). */
export interface PolicyView {
  policy: Policy;
  made: { at: number; by: string } | null;
}

/** An edit of an integration's page: null removes a URL; frame ancestors as typed (spaces or commas). */
export interface IntegrationEdit {
  name: string;
  callbackUrl: string | null;
  decisionWebhookUrl: string | null;
  eventWebhookUrl: string | null;
  frameAncestors: string;
  strictSignatures: boolean;
  testMode: boolean;
}

export interface NewIntegration {
  name: string;
  frameAncestors?: string | undefined;
  callbackUrl?: string | undefined;
  decisionWebhookUrl?: string | undefined;
  eventWebhookUrl?: string | undefined;
  isTest: boolean;
}

export interface BackofficeDeps {
  db: BackofficeDb;
  accounts: ReviewerAccounts;
  /** The master keyring: the back-office's signed cookies are signed under it. */
  keys: Keyring;
  sessions: {
    /** Every call names the reviewer: the services take them as their actor. */
    queue(reviewerId: string, filter: QueueFilter): Promise<SessionSummary[]>;
    detail(reviewerId: string, id: string): Promise<SessionDetail | undefined>;
    openMedia(reviewerId: string, mediaId: string): Promise<{ session: ViewedSession; mimetype: string; bytes: Buffer } | undefined>;
    /** An audit event: a reviewer saw the session's personal data or one of its images. */
    recordView(options: { session: ViewedSession; reviewerId: string; mediaId: string | null }): Promise<void>;
    /** The same decide function and webhooks as `earthid sessions decide`. Throws when the session is no longer decidable. */
    decide(options: { reviewerId: string; sessionId: string; verdict: Verdict; reasonCode: number | null }): Promise<{ decisionId: string; status: string }>;
  };
  integrations: {
    list(): Promise<IntegrationSummary[]>;
    /** Each change (and each reveal of a secret) is an audit event naming the administrator. */
    create(options: NewIntegration, reviewerId: string): Promise<IntegrationSummary & { sharedSecret: string }>;
    revealSecret(id: string, reviewerId: string): Promise<string | undefined>;
    rotateSecret(id: string, reviewerId: string): Promise<string | undefined>;
    deactivate(id: string, reviewerId: string): Promise<boolean>;
    /** The same rules and one integration.updated audit event as `earthid integrations update`; undefined when there is no such integration. */
    update(id: string, edit: IntegrationEdit, reviewerId: string): Promise<{ changed: string[] } | undefined>;
    /** `earthid integrations policy ID`: the version in force. */
    policy(id: string): Promise<PolicyView>;
    /** A new policy version, through the same service and audit event as `earthid integrations policy ID --face-threshold …`; undefined when there is no such integration. */
    changePolicy(id: string, change: PolicyChange, reviewerId: string): Promise<{ version: number; changed: string[] } | undefined>;
    /** `earthid integrations test-webhook`'s sending: a signed test event to each webhook URL, with the answers. */
    testWebhook(id: string): Promise<TestWebhookResult[] | "no_url" | undefined>;
  };
  overview: {
    /** Final decisions since `since`, counted by epoch day, outcome and who decided. */
    finalDecisionCounts(since: number): Promise<Array<{ day: number; status: string; decidedBy: string; n: number }>>;
    /** From submission to final decision, ms; null without any decision. */
    medianDecisionMs(since: number): Promise<number | null>;
    deliveryCountsByDay(since: number): Promise<Array<{ day: number; status: string; failedAttempt: boolean; n: number }>>;
  };
  deliveries: {
    list(filter: { sessionId?: string; limit: number }): Promise<DeliveryView[]>;
    resend(deliveryId: string, reviewerId: string): Promise<DeliveryView>;
  };
}
