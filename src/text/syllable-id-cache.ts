// A consumer's own number for each syllable (a vocabulary index, an automaton symbol), found by the
// token's process-wide id (Token.normId) as an array index after the first string lookup.

/** Answers `lookup(norm)` for tokens, remembered by their process-wide ids. */
export class SyllableIdCache {
  // Per process-wide id: 0 not looked up yet, 1 absent, otherwise the answer + 2.
  private byId = new Int32Array(1024);

  constructor(private readonly lookup: (norm: string) => number | undefined) {}

  /** Returns the consumer's number for the syllable `norm` with process-wide id `id` (0: none), or -1 when it has none. */
  get(id: number, norm: string): number {
    if (id === 0) return this.lookup(norm) ?? -1;
    let byId = this.byId;
    if (id >= byId.length) {
      const grown = new Int32Array(Math.max(byId.length * 2, id + 1));
      grown.set(byId);
      this.byId = byId = grown;
    }
    let known = byId[id] as number;
    if (known === 0) {
      const found = this.lookup(norm);
      known = found === undefined ? 1 : found + 2;
      byId[id] = known;
    }
    return known - 2;
  }
}
