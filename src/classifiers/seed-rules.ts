// The rules duluan starts with, before staff add their own. Written for a ward's education news:
// `relevant` says a text is about schools or the ward, `negative` that it reports a problem or
// discontent, `misinformation` that it carries the markers of rumours and unverified claims.
//
// Weights: 2.0 strong (one match is enough for a label, even in the body), 1.0–1.5 typical,
// 0.5 weak (needs company). Phrases are matched on folded syllables (the staff-rule automaton in
// staff-rules.ts), so unaccented text matches; a single syllable whose folded form is a common
// other word (`phường`/`phương`, `sốc`/`sóc`) is kept weak for that reason.
// Within one category no phrase contains another (a test checks it), so a score never counts the
// same words twice.

import type { RuleCategory } from '../domain/classification.ts';
import { foldText } from '../text/fold-text.ts';

/** A phrase that, when found, adds `weight` to its category's score. */
export interface KeywordRule {
  id: string;
  category: RuleCategory;
  phrase: string;
  weight: number;
}

type SeedEntry = readonly [phrase: string, weight: number];

const RELEVANT: readonly SeedEntry[] = [
  // education in general
  ['giáo dục', 1.0],
  ['đào tạo', 0.5],
  ['GD&ĐT', 1.5],
  ['Sở GDĐT', 1.5],
  ['trường học', 1.0],
  ['nhà trường', 1.0],
  ['học sinh', 1.0],
  ['học trò', 1.0],
  ['sinh viên', 0.5],
  ['giáo viên', 1.0],
  ['cô giáo', 1.0],
  ['thầy giáo', 1.0],
  ['thầy cô', 1.0],
  ['hiệu trưởng', 1.0],
  ['phụ huynh', 1.0],
  ['giảng dạy', 1.0],
  ['năm học', 1.0],
  ['học kỳ', 0.5],
  ['lớp học', 1.0],
  ['phòng học', 1.0],
  ['điểm trường', 1.0],
  ['sĩ số', 1.0],
  ['học bạ', 1.0],
  ['học bổng', 1.0],
  ['khuyến học', 1.0],
  ['khai giảng', 1.0],
  ['bế giảng', 1.0],
  ['học tập', 0.5],
  ['sách giáo khoa', 1.5],
  ['sách vở', 0.5],
  ['đồng phục', 0.5],
  ['bán trú', 1.0],
  ['ký túc xá', 0.5],
  // levels and kinds of school
  ['mầm non', 1.0],
  ['mẫu giáo', 1.0],
  ['nhà trẻ', 1.0],
  ['tiểu học', 1.0],
  ['trung học cơ sở', 1.0],
  ['THCS', 1.0],
  ['trung học phổ thông', 1.0],
  ['THPT', 1.0],
  ['trường chuyên', 1.0],
  ['công lập', 0.5],
  ['tư thục', 0.5],
  ['chương trình phổ thông', 1.0],
  // money, exams, admissions
  ['học phí', 1.5],
  ['khoản thu đầu năm', 1.5],
  ['quỹ lớp', 1.5],
  ['ban đại diện cha mẹ', 1.5],
  ['tuyển sinh', 1.5],
  ['thi tốt nghiệp', 1.5],
  ['thi vào lớp 10', 1.5],
  ['điểm chuẩn', 1.5],
  ['điểm thi', 1.0],
  ['kỳ thi', 0.5],
  ['dạy thêm', 1.5],
  ['học thêm', 1.5],
  ['bạo lực học đường', 1.5],
  ['bữa ăn học đường', 1.5],
  ['bếp ăn', 0.5],
  // the ward
  ['phường', 0.5],
  ['UBND', 1.0],
  ['ủy ban nhân dân', 1.0],
  ['tổ dân phố', 1.0],
  ['khu phố', 0.5],
  ['Mặt trận Tổ quốc', 1.0],
  ['MTTQ', 1.0],
  ['đội thiếu niên', 0.5],
  ['đoàn thanh niên', 0.5],
  ['trẻ em', 0.5],
];

const NEGATIVE: readonly SeedEntry[] = [
  // discontent
  ['bức xúc', 1.0],
  ['bất bình', 1.0],
  ['phẫn nộ', 1.5],
  ['phản đối', 1.0],
  ['tiêu cực', 1.0],
  ['khiếu nại', 1.5],
  ['tố cáo', 1.5],
  ['than phiền', 1.0],
  ['phàn nàn', 1.0],
  ['kêu cứu', 1.5],
  ['lo lắng', 0.5],
  ['không minh bạch', 1.5],
  // money
  ['lạm thu', 2.0],
  ['thu sai quy định', 2.0],
  ['thu trái quy định', 2.0],
  ['ép đóng', 1.5],
  ['ép học thêm', 2.0],
  ['cắt xén', 1.5],
  ['tham nhũng', 2.0],
  ['nhũng nhiễu', 2.0],
  ['thất thoát', 1.5],
  ['lãng phí', 1.0],
  ['lừa đảo', 1.5],
  ['chậm lương', 1.5],
  ['nợ lương', 1.5],
  // wrongdoing
  ['sai phạm', 2.0],
  ['vi phạm', 1.0],
  ['gian lận', 2.0],
  ['lộ đề', 2.0],
  ['bằng giả', 2.0],
  ['trù dập', 2.0],
  ['gây khó dễ', 1.0],
  ['phân biệt đối xử', 1.5],
  ['kỷ luật', 1.0],
  ['đình chỉ', 1.5],
  ['đuổi học', 1.5],
  ['cho thôi học', 1.5],
  ['bỏ học', 1.0],
  // violence and harm
  ['bạo hành', 2.0],
  ['bạo lực', 1.5],
  ['đánh học sinh', 2.0],
  ['đánh đập', 2.0],
  ['bị đánh', 1.5],
  ['đánh nhau', 1.5],
  ['hành hung', 2.0],
  ['ẩu đả', 1.5],
  ['bắt nạt', 1.5],
  ['bắt quỳ', 2.0],
  ['xúc phạm', 1.5],
  ['lăng mạ', 1.5],
  ['xâm hại', 2.0],
  ['dâm ô', 2.0],
  ['tai nạn', 1.5],
  ['đuối nước', 2.0],
  ['bị thương', 1.5],
  ['tử vong', 2.0],
  ['tự tử', 2.0],
  // health and conditions
  ['ngộ độc', 2.0],
  ['thực phẩm bẩn', 2.0],
  ['tay chân miệng', 1.5],
  ['sốt xuất huyết', 1.5],
  ['dịch bệnh', 1.0],
  ['ô nhiễm', 1.0],
  ['quá tải', 1.5],
  ['thiếu giáo viên', 1.5],
  ['thiếu phòng học', 1.5],
  ['thiếu trường lớp', 1.5],
  ['thiếu sách', 1.0],
  ['xuống cấp', 1.5],
  ['sập trần', 2.0],
  ['sập mái', 2.0],
  ['mất an toàn', 1.5],
  ['ngập nước', 1.0],
  ['ùn tắc', 1.0],
];

const MISINFORMATION: readonly SeedEntry[] = [
  ['tin đồn', 1.5],
  ['nghe đồn', 1.0],
  ['đồn thổi', 1.5],
  ['nghe nói', 0.5],
  ['nghe bảo', 0.5],
  ['chia sẻ gấp', 2.0],
  ['share gấp', 2.0],
  ['chia sẻ ngay', 1.5],
  ['kêu gọi chia sẻ', 1.5],
  ['chia sẻ rầm rộ', 1.0],
  ['trước khi bị xóa', 2.0],
  ['sốc', 0.5],
  ['tin khẩn', 1.5],
  ['cực kỳ khẩn cấp', 1.5],
  ['lan truyền', 1.0],
  ['rộ tin', 1.5],
  ['rộ thông tin', 1.5],
  ['tung tin', 1.5],
  ['sai sự thật', 2.0],
  ['thất thiệt', 2.0],
  ['tin giả', 2.0],
  ['giả mạo', 1.5],
  ['mạo danh', 1.5],
  ['văn bản giả', 2.0],
  ['ảnh ghép', 1.5],
  ['cắt ghép', 1.5],
  ['bịa đặt', 2.0],
  ['xuyên tạc', 2.0],
  ['chưa được kiểm chứng', 1.5],
  ['chưa kiểm chứng', 1.5],
  ['chưa được xác minh', 1.5],
  ['chưa xác minh', 1.5],
  ['không có căn cứ', 1.5],
  ['không rõ nguồn gốc', 1.5],
  ['thực hư', 1.0],
  ['100% sự thật', 1.5],
  ['giật tít', 1.0],
  ['câu view', 1.5],
  ['câu like', 1.5],
  ['bóc phốt', 1.5],
  ['clip nóng', 1.0],
  ['hoang mang', 1.0],
  ['đính chính', 1.5],
  ['cải chính', 1.0],
  ['bác bỏ', 1.0],
  ['chưa có thông báo chính thức', 1.0],
];

function toRules(category: RuleCategory, entries: readonly SeedEntry[]): KeywordRule[] {
  return entries.map(([phrase, weight]) => ({
    // Stable, readable ids: the category and the folded phrase, e.g. `negative.lam-thu`.
    id: `${category}.${foldText(phrase).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '')}`,
    category,
    phrase,
    weight,
  }));
}

/** The built-in rules: education and ward relevance, negative events, misinformation markers. */
export const SEED_RULES: readonly KeywordRule[] = [
  ...toRules('relevant', RELEVANT),
  ...toRules('negative', NEGATIVE),
  ...toRules('misinformation', MISINFORMATION),
];
