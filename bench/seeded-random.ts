// Seeded randomness for benchmarks, so every run builds the same data: the generator training uses.
export { seededRandom as createRandom } from '../src/classifiers/cross-validate.ts';

/** Returns one element of the list chosen by `random`. */
export function pickWith<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}
