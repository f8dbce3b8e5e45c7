// Keeps one compiled classifier per process and rebuilds it when staff change rules, claims or
// the gazetteer — in this process or another (the fingerprint lives in the database).
import type { Classifier, ClassifierProvider } from '../domain/classification.ts';
import type { Claim, Gazetteer, StaffRule } from '../domain/rule.ts';
import { EMPTY_GAZETTEER } from '../domain/rule.ts';
import type { Db } from '../db/client.ts';
import { classifierInputsFingerprint, listClaims, listRules } from '../db/queries/rules.ts';
import { getSetting } from '../db/queries/settings.ts';

/** What staff control that a classifier is built from. */
export interface ClassifierInputs {
  staffRules: StaffRule[];
  claims: Claim[];
  gazetteer: Gazetteer;
}

/** Returns a provider whose `get()` answers the current classifier, rebuilding it only on change. */
export function createClassifierCache(db: Db, build: (inputs: ClassifierInputs) => Classifier): ClassifierProvider {
  let cached: { fingerprint: string; classifier: Classifier } | null = null;
  let building: Promise<Classifier> | null = null;

  async function rebuild(fingerprint: string): Promise<Classifier> {
    const [staffRules, claims, gazetteer] = await Promise.all([
      listRules(db),
      listClaims(db),
      getSetting<Gazetteer>(db, 'gazetteer', EMPTY_GAZETTEER),
    ]);
    const classifier = build({ staffRules, claims, gazetteer });
    cached = { fingerprint, classifier };
    return classifier;
  }

  return {
    async get() {
      const fingerprint = await classifierInputsFingerprint(db);
      if (cached && cached.fingerprint === fingerprint) return cached.classifier;
      // Concurrent callers share one rebuild.
      building ??= rebuild(fingerprint).finally(() => {
        building = null;
      });
      return building;
    },
  };
}

/** Returns a provider that always answers the same classifier (tests, CLI evaluation). */
export function fixedClassifier(classifier: Classifier): ClassifierProvider {
  return { get: async () => classifier };
}
