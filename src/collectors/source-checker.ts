// What the sources page asks of the collectors: are these selectors usable, what would this source yield.
import type { SourceChecker } from '../domain/source.ts';
import { previewInput } from './preview.ts';
import { validateSelectors } from './validate-selectors.ts';

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
  };
}
