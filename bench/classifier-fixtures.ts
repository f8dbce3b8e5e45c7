// The classifier parts the benchmarks build: 200 claims (the project's claim data set plus
// spliced ones) and 1,000 staff rules (phrases, any-of, all-of-within, 20 regexes), generated
// deterministically so that every run and every benchmark works on the same rules and claims.
// Shared by bench/claim-matching.ts, bench/classify.ts and bench/classify-cache-effect.ts.
import { pickWith } from './seeded-random.ts';
import type { ClaimDefinition } from '../src/classifiers/claim-matcher.ts';
import { SEED_RULES } from '../src/classifiers/seed-rules.ts';
import type { StaffRuleDefinition } from '../src/classifiers/staff-rules.ts';
import type { Gazetteer } from '../src/domain/rule.ts';

/** The seed both benchmarks start their generator from. */
export const BENCH_SEED = 20261128;


const words = (text: string): string[] => text.split(' ');

/** Returns `total` claims: the real ones, then claims made by splicing halves of two real ones (ids from 10,000). */
export function buildBenchClaims(real: readonly ClaimDefinition[], random: () => number, total = 200): ClaimDefinition[] {
  const spliced: ClaimDefinition[] = Array.from({ length: Math.max(0, total - real.length) }, (_, i) => {
    const a = words(pickWith(random, real).statement);
    const b = words(pickWith(random, real).statement);
    return { id: 10_000 + i, verdict: 'false', correction: null, statement: [...a.slice(0, a.length >> 1), ...b.slice(b.length >> 1)].join(' ') };
  });
  return [...real, ...spliced];
}

/** Typical complaint and rumour phrases staff write rules about. */
export const BENCH_RULE_PHRASES = [
  'lạm thu', 'thu thêm', 'tiền máy lạnh', 'quỹ xây dựng', 'học thêm', 'dạy thêm', 'ép mua', 'bạo hành', 'đánh học sinh', 'ngộ độc',
  'thực phẩm bẩn', 'tin đồn', 'nghe nói', 'chia sẻ gấp', 'cảnh báo', 'bắt cóc', 'lộ đề', 'mua bán đề', 'đuổi học', 'sốc phản vệ',
  'vắc xin hết hạn', 'đồng phục', 'sách giáo khoa', 'bán trú', 'tiền ăn', 'cắt xén', 'bức xúc', 'phẫn nộ', 'vô trách nhiệm', 'tiêu cực',
] as const;

/** The 20 regular-expression rules among the 1,000. */
export const BENCH_RULE_REGEXES = [
  'thu\\s*(thêm|mới)?\\s*\\d+\\s*(k|nghìn|ngàn|triệu)', '\\d{1,3}(?:[.,]\\d{3})+\\s*(?:đ|đồng|vnđ)', 'tin\\s+đồn', '\\b(sốc|khẩn|nóng)\\b',
  'chia\\s+sẻ\\s+gấp', 'ngộ\\s+độc', 'bắt\\s+cóc', 'lộ\\s+đề', 'bạo\\s+hành', 'cảnh\\s+báo!*', 'hơn\\s+\\d+\\s+học\\s+sinh', 'đề\\s+thi\\s+bị\\s+lộ',
  'đóng\\s+cửa\\s+vĩnh\\s+viễn', 'sàm\\s+sỡ', '(?:zalo|facebook|tiktok)', 'đình\\s+chỉ', 'lạm\\s+thu', 'bêu\\s+riếu', 'giá\\s+\\d+', 'xin\\s+đểu',
] as const;

/**
 * Returns `total` staff rules: the 20 regexes, 100 any-of rules of 4 terms, 50 all-of-within-8-words
 * rules of 2 terms, and phrases. Phrases are runs of 2–4 words from the claims (staff write rules
 * about what is being said) or, three times in ten, one of BENCH_RULE_PHRASES.
 */
export function buildBenchStaffRules(claims: readonly ClaimDefinition[], random: () => number, total = 1000): StaffRuleDefinition[] {
  const pick = <T>(list: readonly T[]): T => pickWith(random, list);
  const claimRuns = claims.map((claim) => words(claim.statement.replace(/[.,:;!?"()]/g, '')));
  const phraseOf = (length: number): string => {
    if (random() < 0.3) return pick(BENCH_RULE_PHRASES);
    const run = pick(claimRuns);
    const from = Math.floor(random() * Math.max(1, run.length - length));
    return run.slice(from, from + length).join(' ');
  };
  const rules: StaffRuleDefinition[] = [];
  for (let id = 1; rules.length < total; id++) {
    const base = { id, category: pick(['negative', 'misinformation', 'relevant'] as const), weight: 1, enabled: true };
    if (rules.length < BENCH_RULE_REGEXES.length) rules.push({ ...base, kind: 'regex', pattern: BENCH_RULE_REGEXES[rules.length]! });
    else if (rules.length < 120) rules.push({ ...base, kind: 'any_of', pattern: '', terms: Array.from({ length: 4 }, () => phraseOf(2 + Math.floor(random() * 2))) });
    else if (rules.length < 170) rules.push({ ...base, kind: 'all_of_within', pattern: '', terms: [phraseOf(2), phraseOf(2)], windowWords: 8 });
    else rules.push({ ...base, kind: 'phrase', pattern: phraseOf(2 + Math.floor(random() * 3)) });
  }
  return rules;
}

/** Returns a ward's gazetteer: the ward's name, 10 schools and 20 residential groups. */
export function buildBenchGazetteer(): Gazetteer {
  return {
    wardNames: ['phường Bến Nghé'],
    schools: [
      'Trường Tiểu học Lê Ngọc Hân', 'Trường Tiểu học Nguyễn Bỉnh Khiêm', 'Trường Tiểu học Trần Hưng Đạo', 'Trường THCS Văn Lang',
      'Trường THCS Minh Đức', 'Trường THCS Đức Trí', 'Trường THPT Trưng Vương', 'Trường THPT Bùi Thị Xuân',
      'Trường Mầm non Bến Nghé', 'Trường Mầm non Tuổi Thơ',
    ],
    residentialGroups: Array.from({ length: 20 }, (_, i) => `tổ dân phố ${i + 1}`),
  };
}

/**
 * Returns what the classifier's automaton holds: the seed rules, the places and the staff rules,
 * under the ids classify gives them, so that a benchmark's rule stage runs what classify runs.
 */
export function buildBenchRuleDefinitions(staffRules: readonly StaffRuleDefinition[], gazetteer: Gazetteer): StaffRuleDefinition[] {
  return [
    ...SEED_RULES.map((rule, i): StaffRuleDefinition => ({ id: 1_000_000 + i, kind: 'phrase', category: rule.category, pattern: rule.phrase, weight: rule.weight, enabled: true })),
    ...[...gazetteer.wardNames, ...gazetteer.schools, ...gazetteer.residentialGroups].map(
      (place, i): StaffRuleDefinition => ({ id: 2_000_000 + i, kind: 'phrase', category: 'relevant', pattern: place, weight: 2, enabled: true }),
    ),
    ...staffRules,
  ];
}
