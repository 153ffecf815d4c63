/**
 * Audit events are persisted, so their shapes are a closed, typed union. They never carry personal
 * data: ids, statuses, codes and who acted.
 */
export type Actor = "integrator" | "end-user" | "engine" | "operator" | "reviewer" | "sweeper" | "test-mode" | "system";

export type AuditEvent =
  | { type: "session.started"; data: { attemptId: string; attemptNumber: number } }
  | { type: "session.submitted"; data: { attemptId: string } }
  | { type: "session.decided"; data: { attemptId: string | null; status: string; code: number; reasonCode: number | null; decisionId: string } }
  | { type: "media.uploaded"; data: { attemptId: string; mediaId: string; context: string; mimetype: string; size: number } }
  | { type: "session.deleted"; data: { previousStatus: string } }
  | { type: "session.erased"; data: { reason: "deleted" | "retention"; mediaFiles: number } }
  | { type: "webhook.resent"; data: { deliveryId: string } }
  | { type: "integration.updated"; data: { changes: Record<string, { from: string | null; to: string | null }> } };

export type AuditEventType = AuditEvent["type"];
