// Abbreviations and teencode people type in comments and feedback, keyed by their folded form so
// that `đc`, `dc` and an NFD `đc` expand alike. Only forms that are rarely anything else are listed:
// `hong` (hỏng, hồng) and `hem` (hẻm) are left out because folding makes them ambiguous, and `bt`
// becomes `biet`, its most frequent teencode meaning (it can also mean bình thường or bài tập).

/** Folded abbreviation → folded syllables it stands for. */
export const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    // negation
    k: 'khong', ko: 'khong', kg: 'khong', khg: 'khong', kh: 'khong', hok: 'khong', hk: 'khong', khum: 'khong',
    kp: 'khong phai', kbt: 'khong biet',
    // people and schools
    hs: 'hoc sinh', sv: 'sinh vien', gv: 'giao vien', gvcn: 'giao vien chu nhiem', ph: 'phu huynh',
    phhs: 'phu huynh hoc sinh', bgh: 'ban giam hieu', thpt: 'trung hoc pho thong', thcs: 'trung hoc co so',
    dh: 'dai hoc', mn: 'moi nguoi', mng: 'moi nguoi', ng: 'nguoi', ngta: 'nguoi ta', ae: 'anh em',
    ny: 'nguoi yeu', ck: 'chong', vk: 'vo', bn: 'ban', mk: 'minh', mik: 'minh', mjk: 'minh', mjnh: 'minh',
    // common words
    dc: 'duoc', dk: 'duoc', duoc: 'duoc', j: 'gi', z: 'vay', v: 'vay', dzay: 'vay', zay: 'vay', vs: 'voi',
    ns: 'noi', bt: 'biet', bik: 'biet', bit: 'biet', r: 'roi', roai: 'roi', ntn: 'nhu the nao', thik: 'thich',
    trc: 'truoc', cx: 'cung', cg: 'cung', wa: 'qua', ms: 'moi', lm: 'lam', nc: 'nuoc', nhg: 'nhung',
    dg: 'dang', lun: 'luon', nhiu: 'nhieu', thui: 'thoi', iu: 'yeu', zui: 'vui', dzui: 'vui', wen: 'quen',
    hnay: 'hom nay', hqua: 'hom qua', bh: 'bao gio', bgio: 'bao gio', kq: 'ket qua', ct: 'chuong trinh',
    tl: 'tra loi', dt: 'dien thoai', sdt: 'so dien thoai', tp: 'thanh pho', vn: 'viet nam', vd: 'vi du',
    kt: 'kiem tra', sp: 'san pham', trg: 'truong', tks: 'cam on', thanks: 'cam on', thank: 'cam on',
    oke: 'ok', okie: 'ok', oki: 'ok', okela: 'ok',
    // insults written short: expanded so that short and long forms share weights
    dm: 'du ma', dmm: 'du me may', vl: 'vai lon', vcl: 'vai ca lon', vkl: 'vai ca lon', cc: 'con cac',
    clgt: 'cai lon gi the', cmnr: 'con me no roi', cmm: 'cha me may', dell: 'deo',
  })
    .map(([abbreviation, expansion]) => [abbreviation, expansion.split(' ')] as const),
);

// Letters that Vietnamese writes twice in one folded syllable: `huu` (hữu), `xoong`.
const MAY_DOUBLE = new Set(['u', 'o']);

function isLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** Returns the folded syllable with elongations collapsed (`quaaaa` → `qua`, `deppp` → `dep`). */
export function collapseElongation(folded: string): string {
  // Most syllables have no repeated letter: find that out without building a string.
  let repeated = false;
  for (let i = 1; i < folded.length; i++) {
    if (folded.charCodeAt(i) === folded.charCodeAt(i - 1) && isLetter(folded.charCodeAt(i))) {
      repeated = true;
      break;
    }
  }
  if (!repeated) return folded;
  let out = '';
  for (let i = 0; i < folded.length; ) {
    const ch = folded[i] as string;
    let j = i + 1;
    while (j < folded.length && folded[j] === ch) j++;
    const run = j - i;
    // Digits and symbols repeat legitimately (`100`); letters three times only when elongated,
    // twice only for the vowels Vietnamese doubles.
    if (isLetter(ch.charCodeAt(0)) && (run >= 3 || (run === 2 && !MAY_DOUBLE.has(ch)))) out += ch;
    else out += folded.slice(i, j);
    i = j;
  }
  return out;
}

// Answers per folded syllable, remembered: analysing a text then costs one Map lookup per syllable
// and allocates no array for plain words. Bounded so that a stream of unseen words cannot grow it.
const EXPANDED = new Map<string, Expansion>();
const MAX_REMEMBERED = 200_000;

/** What a folded token stands for: its expanded syllables and their process-wide ids (see syllableId). */
export interface Expansion {
  norms: readonly string[];
  ids: readonly number[];
  /** The id of the folded token itself (its `lower` form when it was written in plain lowercase ASCII). */
  foldedId: number;
}

function expandUncached(folded: string): readonly string[] {
  const expansion = ABBREVIATIONS.get(folded);
  if (expansion !== undefined) return expansion;
  const collapsed = collapseElongation(folded);
  if (collapsed === folded) return [folded];
  // `kkk` is laughter, not `k` (không): single letters only expand as written.
  return (collapsed.length > 1 ? ABBREVIATIONS.get(collapsed) : undefined) ?? [collapsed];
}

/** Returns the folded syllables a folded token stands for (itself when it is no abbreviation), with their ids. */
export function expandWithIds(folded: string): Expansion {
  let found = EXPANDED.get(folded);
  if (found === undefined) {
    const norms = expandUncached(folded);
    found = { norms, ids: norms.map(syllableId), foldedId: syllableId(folded) };
    if (EXPANDED.size >= MAX_REMEMBERED) EXPANDED.clear();
    EXPANDED.set(folded, found);
  }
  return found;
}

/** Returns the folded syllables a folded token stands for (itself when it is no abbreviation). */
export function expandAbbreviation(folded: string): readonly string[] {
  return expandWithIds(folded).norms;
}

// Process-wide ids of expanded syllables (`norm`) and of accented lowercase ones (`lower`), so that the models map a token to their own
// vocabularies by an array index instead of a string lookup each. Ids are never reused or
// forgotten; past MAX_SYLLABLE_IDS distinct syllables new ones get 0 (no id: consumers look the
// string up), which bounds the memory a stream of unseen words can take.
const SYLLABLE_IDS = new Map<string, number>();
const MAX_SYLLABLE_IDS = 300_000;

/** Returns the syllable's (or any string's) process-wide id (≥ 1), or 0 once MAX_SYLLABLE_IDS strings have ids. */
export function syllableId(norm: string): number {
  let id = SYLLABLE_IDS.get(norm);
  if (id === undefined) {
    if (SYLLABLE_IDS.size >= MAX_SYLLABLE_IDS) return 0;
    id = SYLLABLE_IDS.size + 1;
    SYLLABLE_IDS.set(norm, id);
  }
  return id;
}
