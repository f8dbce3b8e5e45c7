// Collected links are hostile: only plain http(s) URLs may become an href.

/** Returns the URL when it starts with http:// or https:// and parses as such, otherwise null. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  // Control characters and whitespace inside a URL are how scheme filters get tricked; refuse them.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
