// Reads and writes of staff rules and known claims.
import { asc, eq, sql } from 'drizzle-orm';
import type { Claim, StaffRule } from '../../domain/rule.ts';
import type { Db } from '../client.ts';
import { claims, rules, settings } from '../schema.ts';

/** Fields of a rule as staff submit it (already validated and NFC). */
export type RuleInput = Omit<StaffRule, 'id' | 'updatedAt'>;

/** Fields of a claim as staff submit it (already validated and NFC). */
export type ClaimInput = Omit<Claim, 'id' | 'updatedAt'>;

const ruleColumns = {
  id: rules.id,
  kind: rules.kind,
  category: rules.category,
  pattern: rules.pattern,
  terms: rules.terms,
  windowWords: rules.windowWords,
  weight: rules.weight,
  enabled: rules.enabled,
  note: rules.note,
  updatedAt: rules.updatedAt,
};

const claimColumns = {
  id: claims.id,
  statement: claims.statement,
  verdict: claims.verdict,
  correction: claims.correction,
  references: claims.references,
  enabled: claims.enabled,
  updatedAt: claims.updatedAt,
};

/** Returns every staff rule, oldest first. */
export async function listRules(db: Db): Promise<StaffRule[]> {
  return db.select(ruleColumns).from(rules).orderBy(asc(rules.id));
}

/** What a duplicate check compares of a stored rule. */
export type RuleIdentity = Pick<StaffRule, 'id' | 'pattern' | 'terms' | 'windowWords' | 'enabled'>;

/**
 * Returns every rule of one kind, enabled or not, with only what tells two rules apart: the API
 * refuses a new or changed rule that repeats one of them (compared on folded text, so in code).
 */
export async function listRuleIdentities(db: Db, kind: StaffRule['kind']): Promise<RuleIdentity[]> {
  return db
    .select({ id: rules.id, pattern: rules.pattern, terms: rules.terms, windowWords: rules.windowWords, enabled: rules.enabled })
    .from(rules)
    .where(eq(rules.kind, kind))
    .orderBy(asc(rules.id));
}

/** Returns the rule with this id, or null. */
export async function getRule(db: Db, id: number): Promise<StaffRule | null> {
  const [row] = await db.select(ruleColumns).from(rules).where(eq(rules.id, id));
  return row ?? null;
}

/** Returns the stored rule. */
export async function insertRule(db: Db, input: RuleInput, userId: number | null): Promise<StaffRule> {
  const [row] = await db.insert(rules).values({ ...input, createdBy: userId }).returning(ruleColumns);
  if (!row) throw new Error('db: insert into rules returned no row');
  return row;
}

/** Returns the updated rule, or null when it does not exist. */
export async function updateRule(db: Db, id: number, input: RuleInput): Promise<StaffRule | null> {
  const [row] = await db
    .update(rules)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(rules.id, id))
    .returning(ruleColumns);
  return row ?? null;
}

/** Returns every known claim, oldest first. */
export async function listClaims(db: Db): Promise<Claim[]> {
  return db.select(claimColumns).from(claims).orderBy(asc(claims.id));
}

/**
 * Returns every claim's id, statement and state, enabled or not: the API refuses a claim whose
 * statement repeats one of them (compared on folded text, so in code).
 */
export async function listClaimStatements(db: Db): Promise<Pick<Claim, 'id' | 'statement' | 'enabled'>[]> {
  return db.select({ id: claims.id, statement: claims.statement, enabled: claims.enabled }).from(claims).orderBy(asc(claims.id));
}

/** Returns the claim with this id, or null. */
export async function getClaim(db: Db, id: number): Promise<Claim | null> {
  const [row] = await db.select(claimColumns).from(claims).where(eq(claims.id, id));
  return row ?? null;
}

/** Returns the stored claim. */
export async function insertClaim(db: Db, input: ClaimInput, userId: number | null): Promise<Claim> {
  const [row] = await db.insert(claims).values({ ...input, createdBy: userId }).returning(claimColumns);
  if (!row) throw new Error('db: insert into claims returned no row');
  return row;
}

/** Returns the updated claim, or null when it does not exist. */
export async function updateClaim(db: Db, id: number, input: ClaimInput): Promise<Claim | null> {
  const [row] = await db
    .update(claims)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(claims.id, id))
    .returning(claimColumns);
  return row ?? null;
}

/**
 * Returns a short fingerprint of everything staff can change that the classifier depends on:
 * workers compare it before each job and rebuild their classifier when it moved.
 */
export async function classifierInputsFingerprint(db: Db): Promise<string> {
  const summary = (table: typeof rules | typeof claims) =>
    db.select({ value: sql<string>`concat(count(*), ':', coalesce(max(${table.updatedAt})::text, ''))` }).from(table);
  const [[ruleSummary], [claimSummary], [gazetteer]] = await Promise.all([
    summary(rules),
    summary(claims),
    db.select({ value: sql<string>`coalesce(max(${settings.updatedAt})::text, '')` }).from(settings).where(eq(settings.key, 'gazetteer')),
  ]);
  return [ruleSummary?.value, claimSummary?.value, gazetteer?.value].join('|');
}
