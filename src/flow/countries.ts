import { isCountryCode } from "../sessions/create-checks.js";

let codes: string[] | undefined;

/** Every ISO 3166-1 alpha-2 code a session may name: the same list the API checks against. */
export function countryCodes(): string[] {
  if (!codes) {
    codes = [];
    for (let first = 65; first <= 90; first++) {
      for (let second = 65; second <= 90; second++) {
        const code = String.fromCharCode(first, second);
        if (isCountryCode(code)) codes.push(code);
      }
    }
  }
  return codes;
}
