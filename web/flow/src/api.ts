/** The flow API, scoped by the session token of the page's own address (sent as a bearer token). */
export class FlowApiError extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(`flow API answered ${status} ${code}`);
  }
}

export interface Progress {
  status: string;
  captured: string[];
}

export function flowApi(base: string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new FlowApiError(0, "network");
    }
    const json = (await response.json().catch(() => ({}))) as { code?: string; session?: Progress };
    if (!response.ok) throw new FlowApiError(response.status, json.code ?? String(response.status));
    return json as T;
  }
  return {
    start: () => call<{ session: Progress }>("POST", "/start").then((r) => r.session),
    progress: () => call<{ session: Progress }>("GET", "/progress").then((r) => r.session),
    submit: () => call<{ session: Progress }>("POST", "/submit").then((r) => r.session),
    handoff: () => call<{ url: string; qrCode: string }>("POST", "/handoff"),
    upload: (context: string, content: string) => call<{ image: { id: string } }>("POST", "/media", { image: { context, content } }),
  };
}

export type FlowApi = ReturnType<typeof flowApi>;
