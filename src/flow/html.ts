const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * JSON for a `<script type="application/json">` block: `<` is escaped so that no value (an
 * integration's name, say) can close the block, and U+2028/9 for old parsers.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

/** Only http(s) URLs become links: a callback is the integrator's, but a `javascript:` one must not run here. */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export interface Layout {
  lang: string;
  dir: "ltr" | "rtl";
  title: string;
  /** The page's nonce: its inline stylesheet's, and its script's. */
  nonce: string;
  css: string | null;
  /** The bundle's address; message pages load none. */
  script?: string | null | undefined;
  /** A script inlined under the nonce (the finished-session page's). */
  inlineScript?: string | null | undefined;
  body: string;
}

export function layout({ lang, dir, title, nonce, css, script, inlineScript, body }: Layout): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
${css ? `<style nonce="${escapeHtml(nonce)}">${css.replace(/<\/style/gi, "<\\/style")}</style>` : ""}
<link rel="icon" href="data:,">
${script ? `<script type="module" nonce="${escapeHtml(nonce)}" src="${escapeHtml(script)}"></script>` : ""}
${inlineScript ? `<script type="module" nonce="${escapeHtml(nonce)}">${inlineScript.replace(/<\/script/gi, "<\\/script")}</script>` : ""}
</head>
<body>
${body}
</body>
</html>
`;
}
