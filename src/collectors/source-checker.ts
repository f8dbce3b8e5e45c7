// What the sources page asks of the collectors: are these selectors usable, what would this source yield.
import { isIP } from 'node:net';
import type { SourceChecker } from '../domain/source.ts';
import { isBlockedAddress } from '../domain/is-blocked-address.ts';
import { previewInput } from './preview.ts';
import { validateSelectors } from './validate-selectors.ts';

function bareHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** Returns a checker that previews through the safe fetcher with these limits (URLs only, never files). */
export function createSourceChecker(options: { allowHosts: readonly string[]; timeoutMs: number; maxBytes: number }): SourceChecker {
  return {
    validateSelectors,
    preview: (source) =>
      previewInput(source.url, {
        kind: source.kind,
        selectors: source.selectors,
        allowHosts: options.allowHosts,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        allowFiles: false,
        maxItems: 50,
      }),
    checkUrl(url) {
      let host: string;
      try {
        host = bareHost(new URL(url).hostname);
      } catch {
        return { ok: false, code: 'blocked_address', message: 'not a URL' };
      }
      if (options.allowHosts.some((allowed) => bareHost(allowed) === host)) return { ok: true };
      const local = host === 'localhost' || host.endsWith('.localhost');
      if (local || (isIP(host) !== 0 && isBlockedAddress(host))) {
        return { ok: false, code: 'blocked_address', message: `${host} is not a public address` };
      }
      return { ok: true };
    },
  };
}
