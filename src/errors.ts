/**
 * Every error the API can return. Codes follow Veriff's troubleshooting table where Veriff has one
 * (docs/veriff-api.md §5.3); the 19xx range is ours, for HTTP-level failures Veriff gives no code for.
 * Handlers throw `apiError(...)`; the error handler in http/errors-plugin.ts is the only writer of
 * error bodies.
 */
export const catalogue = {
  VALIDATION_FAILED: { code: "1101", status: 400, message: "Validation failed: {detail}" },
  MANDATORY_MISSING: { code: "1102", status: 400, message: "Mandatory parameters are missing from the request: {field}" },
  INVALID_PARAMETER: { code: "1104", status: 400, message: "Request includes invalid parameters: {field} {detail}" },
  TIMESTAMP_TOO_OLD: { code: "1201", status: 400, message: "Invalid timestamp: {field} must not be older than one hour" },
  TIMESTAMP_FORMAT: { code: "1202", status: 400, message: "Timestamp format is incorrect: {field} must be ISO 8601 (YYYY-MM-DDTHH:MM:SS+hh:mm or Z)" },
  DATE_FORMAT: { code: "1203", status: 400, message: "Invalid ISO 8601 date: {field} must be YYYY-MM-DD" },
  FEATURES_UNSUPPORTED: { code: "1301", status: 400, message: "Requested features are not supported: {field}" },
  CALLBACK_NOT_HTTPS: { code: "1302", status: 400, message: "Only HTTPS return URLs are allowed: {field} {detail}" },
  INVALID_STATUS: { code: "1303", status: 400, message: "Invalid status: {detail}" },
  TRANSITION_NOT_ALLOWED: { code: "1304", status: 400, message: "Cannot transition to \"{status}\" status" },
  NOT_COMPLETED: { code: "1305", status: 400, message: "Session is not in a completed status" },
  SESSION_IN_PROGRESS: { code: "1306", status: 400, message: "Session is in progress" },
  IMAGE_NOT_FOUND: { code: "1400", status: 400, message: "Image data not found: {field} {detail}" },
  IMAGE_NOT_BASE64: { code: "1401", status: 400, message: "Image data is not valid base64: {field} {detail}" },
  CONTEXT_NOT_SUPPORTED: { code: "1402", status: 400, message: "Image context is not supported: {field} {detail}" },
  IMAGE_PROPERTY_MISSING: { code: "1403", status: 400, message: "Image property missing: {field}" },
  VENDOR_DATA_TOO_LONG: { code: "1500", status: 400, message: "vendorData is longer than 1000 characters: {field}" },
  VENDOR_DATA_NOT_STRING: { code: "1501", status: 400, message: "vendorData must be a string: {field}" },
  AUTH_CLIENT_MISSING: { code: "1801", status: 401, message: "Mandatory X-AUTH-CLIENT header containing the API key is missing from the request" },
  AUTH_CLIENT_NOT_UUID: { code: "1802", status: 401, message: "X-AUTH-CLIENT header must be a valid UUID API key" },
  INTEGRATION_NOT_FOUND: { code: "1803", status: 401, message: "Integration with the API key was not found" },
  INTEGRATION_INACTIVE: { code: "1804", status: 401, message: "Integration with the API key is not active" },
  SIGNATURE_MALFORMED: { code: "1812", status: 401, message: "X-HMAC-SIGNATURE header is missing or is not a hex SHA-256 HMAC: send the 64 hex digits of the HMAC-SHA256, keyed with the shared secret, of {over}; see the README, section \"Signing requests and verifying webhooks\"" },
  SIGNATURE_ID_MISMATCH: { code: "1818", status: 401, message: "X-HMAC-SIGNATURE does not match the HMAC-SHA256 of the {field}" },
  SIGNATURE_BODY_MISMATCH: { code: "1819", status: 401, message: "X-HMAC-SIGNATURE does not match the HMAC-SHA256 of the request body: sign the exact bytes sent (not the JSON serialised again), keyed with the shared secret; see the README, section \"Signing requests and verifying webhooks\"" },
  // Ours: replay-proof signing of our own extensions, and of every endpoint in strict mode (issue 14, finding 3).
  TIMESTAMPED_SIGNATURE_INVALID: { code: "1820", status: 401, message: "x-earthid-signature {problem}. {why}send x-earthid-signature: t=<unix seconds>,v1=<64 hex digits of the HMAC-SHA256, keyed with the shared secret, of \"<t>.<METHOD>.<path?query>.<body>\">, path and query exactly as on the request line, body the exact bytes sent (empty when none), t within 5 minutes of the server's clock; see the README, section \"Signing requests and verifying webhooks\"" },
  DOB_INVALID: { code: "2003", status: 400, message: "Date of birth is not a valid date: {field}" },
  DOCUMENT_NUMBER_INVALID: { code: "2102", status: 400, message: "Document number may contain only A-Z and 0-9: {field}" },
  DOCUMENT_TYPE_UNSUPPORTED: { code: "2103", status: 400, message: "Document type is not supported: {field} must be one of PASSPORT, ID_CARD, DRIVERS_LICENSE, RESIDENCE_PERMIT" },
  COUNTRY_UNSUPPORTED: { code: "2104", status: 400, message: "Document country is not supported: {field} must be an ISO 3166-1 alpha-2 code" },
  NOT_FOUND: { code: "1901", status: 404, message: "{what} not found" },
  // Route-not-found's code, for an API path: the integrator's client calls something we do not serve.
  ENDPOINT_NOT_SUPPORTED: { code: "1901", status: 404, message: "Route {route} not found: EarthID Verify does not support this endpoint{detail}; the README's \"Veriff API compatibility\" table lists what is served" },
  BODY_TOO_LARGE: { code: "1902", status: 413, message: "Request body is larger than {limit} bytes" },
  UNSUPPORTED_MEDIA_TYPE: { code: "1903", status: 415, message: "Content-Type must be application/json, got {got}" },
  RATE_LIMITED: { code: "1904", status: 429, message: "Too many requests: {detail}" },
  CONFLICT: { code: "1905", status: 409, message: "{detail}" },
  MALFORMED_JSON: { code: "1906", status: 400, message: "Request body is not valid JSON: {detail}" },
  MALFORMED_HTTP: { code: "1908", status: 400, message: "The request is not valid HTTP/1.1: {detail}" },
  HEADERS_TOO_LARGE: { code: "1909", status: 431, message: "The request headers are larger than the server accepts" },
  REQUEST_TIMEOUT: { code: "1910", status: 408, message: "The request was not received in time" },
  METRICS_TOKEN_REQUIRED: { code: "1911", status: 401, message: "/metrics needs an Authorization: Bearer header with the metrics token" },
  JSON_TOO_DEEP: { code: "1912", status: 400, message: "Request body nests arrays and objects deeper than {limit} levels" },
  MEDIA_WORK_TIMEOUT: { code: "1913", status: 503, message: "The media workers did not finish this request in time; try again later" },
  FLOW_TOKEN_INVALID: { code: "1920", status: 401, message: "The session token is missing, malformed or unknown" },
  FLOW_TOKEN_EXPIRED: { code: "1921", status: 401, message: "The session token has expired" },
  FLOW_INCOMPLETE: { code: "1922", status: 409, message: "The attempt lacks {what}: upload it before submitting" },
  INTERNAL: { code: "1999", status: 500, message: "Internal error; reference {requestId}" },
} as const satisfies Record<string, { code: string; status: number; message: string }>;

export type ErrorName = keyof typeof catalogue;

export class ApiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(readonly errorName: ErrorName, params: Record<string, string | number> = {}) {
    const entry = catalogue[errorName];
    super(entry.message.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? "")).replace(/\s+$/, ""));
    this.code = entry.code;
    this.statusCode = entry.status;
  }
}

export function apiError(name: ErrorName, params?: Record<string, string | number>): ApiError {
  return new ApiError(name, params);
}
