/**
 * `Retry-After` (RFC 9110, section 10.2.3) is either a number of seconds or an HTTP date. Returns the
 * wait in ms, or undefined when the value is missing or unreadable (then the computed backoff applies).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // All three HTTP-date forms start with a day name; without this check V8's lenient Date.parse would
  // read "1.5" or "-5" as dates.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs); // a date in the past means "now"
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function headerOf(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What the server asked for, read from an error: `retryAfterMs` (a number someone already parsed), or a
 * `Retry-After` header on `error.headers` or `error.response.headers` (fetch Response, node:http headers).
 */
export function retryAfterFromError(error: unknown, nowMs = Date.now()): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { retryAfterMs?: unknown; headers?: HeaderBag; response?: { headers?: HeaderBag } };
  if (typeof e.retryAfterMs === 'number' && Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0)
    return e.retryAfterMs;
  const headers = e.headers ?? e.response?.headers;
  if (headers === undefined) return undefined;
  return parseRetryAfter(headerOf(headers, 'retry-after'), nowMs);
}
