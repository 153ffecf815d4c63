import type { DecodedUpload } from "../media/work.js";

/** One session as the hosted flow sees it: enough to render a page and to act for its end user. */
export interface FlowSession {
  id: string;
  integrationId: string;
  status: string;
  /** The session's `lang`, as the integrator sent it. */
  lang: string | null;
  /** Where the end user goes at the end: the session's callback, else the integration's default. */
  callbackUrl: string | null;
  /** What the integrator named when creating the session; the flow locks what is set. */
  document: { type: string | null; country: string | null };
  integration: { name: string; frameAncestors: string[] };
  /** The reason code of the latest decision, when it asked for a resubmission. */
  resubmissionReasonCode: number | null;
  /** Contexts of the images already in the current attempt (document-front, face, …). */
  captured: string[];
}

export type TokenResolution = { state: "valid"; session: FlowSession } | { state: "expired" } | { state: "invalid" };

/** Which session, of which integration: what a verified token grants. */
export interface FlowRef {
  sessionId: string;
  integrationId: string;
}

/** `image.content` of an upload as the media worker read it (bytes and SHA-256, or its error). */
export type FlowUploadContent = NonNullable<DecodedUpload["content"]> | null;

/**
 * Everything the flow needs from the rest of the service, and nothing more: the flow's routes and
 * pages depend on this interface only, implemented over the domain services in adapter.ts.
 */
export interface FlowDeps {
  publicUrl: string;
  /** The token's session, or why there is none. Never throws for a bad token. */
  resolveToken(token: string): Promise<TokenResolution>;
  /** The session as it is now (after an upload, a submit, on another instance); undefined once gone. */
  state(ref: FlowRef): Promise<FlowSession | undefined>;
  /** created / resubmission_requested → started (event 7001), a new attempt; started stays as it is. */
  openFlow(ref: FlowRef): Promise<void>;
  /** Reads an upload body (JSON with base64 `image.content`) off the event loop. */
  decodeUpload(raw: Buffer): Promise<DecodedUpload>;
  /** One image into the current attempt, through the media service the API uses. */
  uploadImage(ref: FlowRef, context: string, content: FlowUploadContent): Promise<{ id: string }>;
  /** The same transition as PATCH status=submitted (event 7002). */
  submit(ref: FlowRef): Promise<void>;
  /** A short code that opens this session's flow on another device. */
  createHandoff(ref: FlowRef): Promise<string>;
  /** The session token a hand-off code stands for, while it is valid. */
  redeemHandoff(code: string): Promise<string | undefined>;
  /** Counts one flow API request of the session; past the limit (across instances), 429 (1904). */
  countRequest(sessionId: string): Promise<void>;
}
