export { createVerifier, type Verification, type Verifier, type VerifyInput, type VerifyTimings } from "./verify.js";
export { type EngineVersions, engineVersions, packageVersion } from "./versions.js";
export { type ExtractedDocument, type ExtractedPerson, extracted } from "./fields.js";
