export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers?: Record<string, string> },
) => Promise<Response>;

/** GETs a URL and reads its body, all within `timeoutMs`; throws an Error saying what went wrong. */
export async function fetchText(fetchFn: FetchLike, url: string, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchFn(url, { signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`HTTP ${response.status} from ${url}`);
    }
    return await response.text();
  } catch (error) {
    throw new Error(describeFetchError(error, url, timeoutMs));
  }
}

/** Undici hides the useful part ("connect ECONNREFUSED ...") in `cause`. */
export function describeFetchError(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      return `no answer from ${url} within ${timeoutMs} ms`;
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${url}: ${cause.message}`;
    return error.message.includes(url) ? error.message : `${url}: ${error.message}`;
  }
  return `${url}: ${String(error)}`;
}
