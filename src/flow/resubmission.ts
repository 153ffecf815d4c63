import type { MessageKey } from "./i18n.js";

/**
 * What to tell a person whose attempt came back with a resubmission request, from its reason code
 * (Veriff's 2xx table and the granular 6xx one): what to do differently, never the code itself.
 */
const ADVICE: ReadonlyArray<[codes: readonly number[], key: MessageKey]> = [
  [[201, 208, 209, 603, 605, 608, 609, 635], "resubmit.reason.missing"],
  [[202, 606], "resubmit.reason.face"],
  [[203, 614, 615, 619, 625, 626, 627, 628, 629, 630, 631, 632, 633, 634], "resubmit.reason.document"],
  [[204], "resubmit.reason.quality"],
  [[205, 621], "resubmit.reason.damaged"],
  [[206, 602], "resubmit.reason.unsupported"],
  [[207, 620], "resubmit.reason.expired"],
  [[641, 642], "resubmit.reason.multiple"],
];

export function resubmissionAdvice(reasonCode: number | null): MessageKey {
  if (reasonCode === null) return "resubmit.reason.generic";
  return ADVICE.find(([codes]) => codes.includes(reasonCode))?.[1] ?? "resubmit.reason.generic";
}
