import { Type, type Static } from "typebox";
import type { ValidationRule } from "../http/validation-errors.js";

/**
 * Contexts an integrator may upload (docs/veriff-api.md §4.3): the final captures and their `-pre`
 * (preliminary) twins. Contexts Veriff only produces itself (face-cropped, face-nfc, registry-face…)
 * are not accepted.
 */
export const UPLOAD_CONTEXTS = [
  "document-front",
  "document-back",
  "face",
  "document-and-face",
  "document-front-with-signature",
  "face-reference",
  "address-front",
  "document-front-pre",
  "document-back-pre",
  "face-pre",
  "document-and-face-pre",
  "document-front-with-signature-pre",
] as const;
export type UploadContext = (typeof UPLOAD_CONTEXTS)[number];

/**
 * `content` has no maxLength: Ajv counts a string's characters one by one, and the route's
 * bodyLimit already bounds it; its size is checked on the decoded value (413).
 */
export const UploadBody = Type.Object({
  image: Type.Object({
    context: Type.String({ enum: [...UPLOAD_CONTEXTS] }),
    content: Type.Unsafe<string | null>({ type: ["string", "null"], description: "Base64 or a data URI; the type is read from the bytes" }),
    timestamp: Type.Optional(Type.Unsafe<string | null>({ type: ["string", "null"], maxLength: 64, description: "Deprecated; ignored" })),
  }),
});
export type UploadBody = Static<typeof UploadBody>;

/** Veriff's codes for the upload body (docs/veriff-api.md §4.3); anything else falls to 1102/1104. */
export const uploadRules: readonly ValidationRule[] = [
  ["image", "*", "IMAGE_PROPERTY_MISSING"],
  ["image.context", "required", "IMAGE_PROPERTY_MISSING"],
  ["image.context", "*", "CONTEXT_NOT_SUPPORTED"],
  ["image.content", "required", "IMAGE_NOT_FOUND"],
  ["image.content", "*", "IMAGE_NOT_BASE64"],
];

export const MediaItem = Type.Object({
  id: Type.String({ format: "uuid" }),
  name: Type.String({ description: "The context, as Veriff names it" }),
  context: Type.String(),
  timestamp: Type.Null({ description: "Deprecated by Veriff; always null" }),
  size: Type.Integer({ description: "Bytes of the image as uploaded" }),
  mimetype: Type.String(),
  url: Type.String({ description: "Where GET /media/{id} serves the bytes" }),
  sessionId: Type.String({ format: "uuid" }),
  attemptId: Type.String({ format: "uuid", description: "EarthID extension" }),
});
export type MediaItem = Static<typeof MediaItem>;

export const UploadResponse = Type.Object({ status: Type.Literal("success"), image: MediaItem });
export type UploadResponse = Static<typeof UploadResponse>;

export const MediaList = Type.Object({
  status: Type.Literal("success"),
  images: Type.Array(MediaItem),
  videos: Type.Array(Type.Never(), { description: "EarthID takes no video" }),
});
export type MediaList = Static<typeof MediaList>;

/** No maxLength: any string that is not one of our ids is simply not found (never a 400). */
export const IdParams = Type.Object({ id: Type.String() });
