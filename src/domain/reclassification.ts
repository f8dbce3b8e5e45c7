// Progress of bringing stored items up to the current classifier, shown on the rules and claims pages.

/** Stored under the `reclassification` setting; updated after every batch. */
export interface ReclassificationProgress {
  state: 'running' | 'done';
  version: string;
  total: number;
  checked: number;
  changed: number;
  startedAt: string;
  finishedAt: string | null;
}

export const RECLASSIFICATION_SETTING = 'reclassification';
