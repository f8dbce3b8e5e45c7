// One spelling per article URL, so the same story collected twice has one key.

const TRACKING_PARAMS = /^(utm_[a-z]+|fbclid|gclid|zarsrc|_ga)$/i;

/** Returns the URL with lowercase host, no fragment, no tracking parameters, or null when not http(s). */
export function canonicalizeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(key)) url.searchParams.delete(key);
  }
  return url.toString();
}
