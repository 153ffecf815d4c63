import { apiError } from "../errors.js";

/** Veriff's limit on `image.content` (reference §4.3), in base64 characters (whitespace excluded). */
export const MAX_BASE64_CHARS = 24 * 1024 * 1024;

const FIELD = "image.content";
const DATA_URI = /^data:([^,]{0,200}),/i;
const NOT_BASE64 = /[^A-Za-z0-9+/_-]/;
const WHITESPACE = /[\r\n\t ]+/g;

/**
 * The bytes of `image.content`: bare base64 or a data URI. Whatever type a data URI declares is
 * ignored; the bytes are inspected later. Both base64 alphabets are read, padding is optional and
 * line breaks (MIME-style wrapping) are tolerated. 1400 when there is nothing, 1401 when it is not
 * base64, 413 past the limit.
 */
export function decodeContent(content: string | null): Buffer {
  if (content === null || content.length === 0) throw apiError("IMAGE_NOT_FOUND", { field: FIELD, detail: "is empty" });
  let text = content;
  const uri = DATA_URI.exec(text.slice(0, 256));
  if (uri) {
    if (!/;base64$/i.test(uri[1] ?? "")) throw apiError("IMAGE_NOT_BASE64", { field: FIELD, detail: "is a data URI without ;base64" });
    text = text.slice(uri[0].length);
  } else if (/^data:/i.test(text)) {
    throw apiError("IMAGE_NOT_BASE64", { field: FIELD, detail: "is a data URI without a comma before its data" });
  }
  text = normalise(text);
  if (text.length === 0) throw apiError("IMAGE_NOT_FOUND", { field: FIELD, detail: "holds no data" });
  if (text.length > MAX_BASE64_CHARS) throw apiError("BODY_TOO_LARGE", { limit: MAX_BASE64_CHARS });
  if (text.length % 4 === 1) throw apiError("IMAGE_NOT_BASE64", { field: FIELD, detail: "is truncated (its length is not a whole number of base64 groups)" });
  return Buffer.from(text, "base64");
}

/** Base64 text without whitespace and padding, or 1401 naming the first offending character. */
function normalise(raw: string): string {
  let text = raw;
  let bad = NOT_BASE64.exec(text);
  if (bad && /[\r\n\t ]/.test(bad[0])) {
    text = text.replace(WHITESPACE, "");
    bad = NOT_BASE64.exec(text);
  }
  if (!bad) return text;
  const padding = /={1,2}$/.exec(text);
  if (padding && bad.index === padding.index) {
    if (text.length % 4 !== 0) throw apiError("IMAGE_NOT_BASE64", { field: FIELD, detail: "has padding in the wrong place" });
    return text.slice(0, padding.index);
  }
  const shown = JSON.stringify(bad[0]);
  throw apiError("IMAGE_NOT_BASE64", { field: FIELD, detail: `has the character ${shown} at position ${bad.index}` });
}
