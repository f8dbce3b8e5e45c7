// Groups near-duplicate items (the same story in several papers, a re-post under a new headline,
// a copy without diacritics) into clusters, so that the queue shows one case and reports count
// stories rather than copies. Every clustered item gets a cluster, of size 1 when it has no twin.
//
// Two steps per new item: the SimHash of its title and body finds candidates among clustered items
// of the surrounding days (Hamming distance ≤ CANDIDATE_DISTANCE, compared in JavaScript over the
// window's signatures), then each candidate's shingle set is compared exactly (Jaccard ≥ MIN_JACCARD).
// A 64-bit signature alone cannot tell a rewritten copy (7–18 bits apart in the tests, up to ~24 in
// the bench's shuffled copies) from another story about the same school (22–35 bits); the exact
// check can (Jaccard 0.58–0.90 against 0.09–0.14), and the signature keeps it to a few texts per item.
import type { Db } from '../db/client.ts';
import {
  assignItemClusters,
  getClusterableItems,
  getItemTexts,
  growClusters,
  insertClusters,
  listClusteredSignatures,
  listPendingClusterIds,
  listUnclusteredIds,
  lockClustering,
  type ClusterGrowth,
  type ItemClusterAssignment,
  type NewCluster,
} from '../db/queries/clusters.ts';
import { fingerprintText, jaccardOfHashes, popCount32, splitWords, type ShingleFingerprint } from '../text/simhash.ts';

/** Days before and after an item within which its near-duplicates are looked for. */
export const CLUSTER_WINDOW_DAYS = 14;
/**
 * Largest Hamming distance between signatures for an item to be checked as a near-duplicate. In the
 * bench (copies with every sentence shuffled, one dropped, a new headline) 18 finds 83% of copies and
 * 20 finds 93%; unrelated texts come this close by chance 0.03% / 0.18% of the time, so 20 costs
 * ~18 exact checks per item in a 10,000-item window (cheap once their fingerprints are remembered).
 */
export const CANDIDATE_DISTANCE = 20;
/** Smallest share of shingles (Jaccard) two texts must have in common to be the same story. */
export const MIN_JACCARD = 0.3;
/** Texts with fewer syllables than this only join nearly identical texts. */
export const SHORT_TEXT_SYLLABLES = 8;
/** Smallest Jaccard for a short text: the same words in the same order, give or take one. */
export const SHORT_MIN_JACCARD = 0.75;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one clustering run did. */
export interface ClusterResult {
  /** Items given a cluster in this run (items that already had one are left alone). */
  clustered: number;
  /** Items that joined a cluster of earlier items (or of an item earlier in the same run). */
  joined: number;
  /** Clusters created, one per item without a near-duplicate. */
  created: number;
}

export interface ClusterOptions {
  windowDays?: number;
  candidateDistance?: number;
  /** Fingerprints of items by id, kept between runs; by default one map per database handle. */
  fingerprints?: Map<number, ShingleFingerprint>;
}

interface Known {
  id: number;
  /** A real cluster id, or the negated representative id of a cluster created in this run. */
  clusterKey: number;
  high: number;
  low: number;
  sortAt: number;
  /** Filled when the text is needed: the sorted shingle hashes and the syllable count. */
  text?: ShingleFingerprint;
}

// Candidates' fingerprints, by item id, kept between runs (bounded): an item near a new item's
// signature by chance tends to come up again for later items, and its text need not be fetched and
// analysed each time. Item texts are not rewritten after clustering (revisions go to their own
// table); were one rewritten, a stale entry would only decide which cluster a later copy joins.
// 50,000 fingerprints of ~120 shingles take about 25 MB.
// One map per database handle: item ids of two databases in one process (tests, benches) never mix.
const SHARED_FINGERPRINTS = new WeakMap<Db, Map<number, ShingleFingerprint>>();
const MAX_REMEMBERED = 50_000;

function remember(cache: Map<number, ShingleFingerprint>, id: number, fingerprint: ShingleFingerprint): void {
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  cache.set(id, fingerprint);
}

function fingerprintItem(title: string, body: string): ShingleFingerprint {
  return fingerprintText(`${title}\n${body}`);
}

/** Returns true when two texts are the same story by their shingles. */
function isSameStory(a: ShingleFingerprint, b: ShingleFingerprint): boolean {
  const short = Math.min(a.syllables, b.syllables) < SHORT_TEXT_SYLLABLES;
  return jaccardOfHashes(a.hashes, b.hashes) >= (short ? SHORT_MIN_JACCARD : MIN_JACCARD);
}

/** Clusters the items with these ids; returns how many were clustered, joined a cluster, or started one. */
export async function clusterItems(db: Db, itemIds: number[], options: ClusterOptions = {}): Promise<ClusterResult> {
  const windowMs = (options.windowDays ?? CLUSTER_WINDOW_DAYS) * DAY_MS;
  const maxDistance = options.candidateDistance ?? CANDIDATE_DISTANCE;
  let fingerprints = options.fingerprints ?? SHARED_FINGERPRINTS.get(db);
  if (!fingerprints) {
    fingerprints = new Map();
    SHARED_FINGERPRINTS.set(db, fingerprints);
  }
  const ids = [...new Set(itemIds)].filter((id) => Number.isSafeInteger(id));
  if (ids.length === 0) return { clustered: 0, joined: 0, created: 0 };

  // The signatures and shingles are computed before the lock: that is most of the CPU time.
  const unclustered = (await getClusterableItems(db, ids)).filter((item) => item.clusterId === null);
  if (unclustered.length === 0) return { clustered: 0, joined: 0, created: 0 };
  const prepared = unclustered.map((item) => {
    const text = fingerprintItem(item.title, item.body); // text.simhash is simhash(`${title}\n${body}`)
    return { item, text, simhash: text.simhash, ...splitWords(text.simhash) };
  });

  return db.transaction(async (tx) => {
    await lockClustering(tx);
    // Under the lock: another run may have clustered some of these items meanwhile.
    const stillUnclustered = new Set(await listUnclusteredIds(tx, unclustered.map((item) => item.id)));
    const pending = prepared.filter((entry) => stillUnclustered.has(entry.item.id));
    if (pending.length === 0) return { clustered: 0, joined: 0, created: 0 };

    let earliest = Infinity;
    let latest = -Infinity;
    for (const entry of pending) {
      earliest = Math.min(earliest, entry.item.sortAt.getTime());
      latest = Math.max(latest, entry.item.sortAt.getTime());
    }
    const known: Known[] = (await listClusteredSignatures(tx, new Date(earliest - windowMs), new Date(latest + windowMs))).map(
      (row) => ({ id: row.id, clusterKey: row.clusterId, sortAt: row.sortAtMs, high: row.high, low: row.low }),
    );

    // Candidates among stored items, found by signature; their texts are fetched in one query.
    const storedCandidates = pending.map((entry) => {
      const at = entry.item.sortAt.getTime();
      const near: Known[] = [];
      for (const other of known) {
        if (Math.abs(other.sortAt - at) > windowMs) continue;
        if (popCount32(other.high ^ entry.high) + popCount32(other.low ^ entry.low) <= maxDistance) near.push(other);
      }
      return near;
    });
    const needed = new Set<number>();
    for (const candidate of storedCandidates.flat()) {
      candidate.text ??= fingerprints.get(candidate.id);
      if (!candidate.text) needed.add(candidate.id);
    }
    const texts = await getItemTexts(tx, [...needed]);
    for (const candidate of storedCandidates.flat()) {
      const text = texts.get(candidate.id);
      if (text && !candidate.text) {
        candidate.text = fingerprintItem(text.title, text.body);
        remember(fingerprints, candidate.id, candidate.text);
      }
    }

    // Items of this run, in id order, each compared with the stored candidates and the run's earlier items.
    const thisRun: Known[] = [];
    const created: NewCluster[] = [];
    const createdByKey = new Map<number, NewCluster>();
    const growth = new Map<number, ClusterGrowth>();
    const assignments: { itemId: number; clusterKey: number; simhash: bigint }[] = [];
    let joined = 0;
    pending.forEach((entry, index) => {
      const at = entry.item.sortAt.getTime();
      const candidates = storedCandidates[index]!.concat(
        thisRun.filter(
          (other) =>
            Math.abs(other.sortAt - at) <= windowMs &&
            popCount32(other.high ^ entry.high) + popCount32(other.low ^ entry.low) <= maxDistance,
        ),
      );
      let best: Known | undefined;
      let bestScore = -1;
      for (const candidate of candidates) {
        if (!candidate.text || !isSameStory(entry.text, candidate.text)) continue;
        const score = jaccardOfHashes(entry.text.hashes, candidate.text.hashes);
        if (score > bestScore || (score === bestScore && candidate.id < best!.id)) {
          best = candidate;
          bestScore = score;
        }
      }
      const when = entry.item.sortAt;
      let clusterKey: number;
      if (best) {
        joined++;
        clusterKey = best.clusterKey;
        const fresh = createdByKey.get(clusterKey);
        if (fresh) {
          fresh.size++;
          if (when < fresh.firstSeenAt) fresh.firstSeenAt = when;
          if (when > fresh.lastSeenAt) fresh.lastSeenAt = when;
        } else {
          const grown = growth.get(clusterKey) ?? { clusterId: clusterKey, added: 0, firstSeenAt: when, lastSeenAt: when };
          grown.added++;
          if (when < grown.firstSeenAt) grown.firstSeenAt = when;
          if (when > grown.lastSeenAt) grown.lastSeenAt = when;
          growth.set(clusterKey, grown);
        }
      } else {
        clusterKey = -entry.item.id;
        const cluster: NewCluster = { representativeItemId: entry.item.id, size: 1, firstSeenAt: when, lastSeenAt: when };
        created.push(cluster);
        createdByKey.set(clusterKey, cluster);
      }
      remember(fingerprints, entry.item.id, entry.text);
      thisRun.push({ id: entry.item.id, clusterKey, high: entry.high, low: entry.low, sortAt: at, text: entry.text });
      assignments.push({ itemId: entry.item.id, clusterKey, simhash: entry.simhash });
    });

    const createdIds = await insertClusters(tx, created);
    await growClusters(tx, [...growth.values()]);
    const stored: ItemClusterAssignment[] = assignments.map((assignment) => ({
      itemId: assignment.itemId,
      clusterId: assignment.clusterKey < 0 ? createdIds.get(-assignment.clusterKey)! : assignment.clusterKey,
      simhash: assignment.simhash,
    }));
    const clustered = await assignItemClusters(tx, stored);
    return { clustered, joined, created: created.length };
  });
}

/** Clusters items stored since the last pass, in batches; returns how many were clustered. */
export async function clusterPendingItems(db: Db, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  let clustered = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 20); batch += 1) {
    const ids = await listPendingClusterIds(db, options.batchSize ?? 200);
    if (ids.length === 0) break;
    clustered += (await clusterItems(db, ids)).clustered;
  }
  return clustered;
}
