// Reads and writes of response templates, and the few a fresh install starts with.
import { and, asc, count, eq } from 'drizzle-orm';
import type { Verdict } from '../../domain/item.ts';
import type { ResponseTemplate } from '../../domain/response-template.ts';
import type { Db } from '../client.ts';
import { responseTemplates } from '../schema.ts';

/** Fields of a template as staff submit it (already validated and NFC). */
export type ResponseTemplateInput = Omit<ResponseTemplate, 'id' | 'updatedAt'>;

const templateColumns = {
  id: responseTemplates.id,
  verdict: responseTemplates.verdict,
  kind: responseTemplates.kind,
  channel: responseTemplates.channel,
  title: responseTemplates.title,
  text: responseTemplates.text,
  enabled: responseTemplates.enabled,
  updatedAt: responseTemplates.updatedAt,
};

/** Returns the templates, by verdict then title; only enabled ones (of one verdict) when asked. */
export async function listResponseTemplates(db: Db, filter: { verdict?: Verdict; enabledOnly?: boolean } = {}): Promise<ResponseTemplate[]> {
  const conditions = [];
  if (filter.verdict) conditions.push(eq(responseTemplates.verdict, filter.verdict));
  if (filter.enabledOnly) conditions.push(eq(responseTemplates.enabled, true));
  return db
    .select(templateColumns)
    .from(responseTemplates)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(responseTemplates.verdict), asc(responseTemplates.title), asc(responseTemplates.id));
}

/**
 * Returns every template's id, name and state, enabled or not: the API refuses a template whose
 * name repeats one of them (compared on folded text, so in code).
 */
export async function listResponseTemplateTitles(db: Db): Promise<Pick<ResponseTemplate, 'id' | 'title' | 'enabled'>[]> {
  return db
    .select({ id: responseTemplates.id, title: responseTemplates.title, enabled: responseTemplates.enabled })
    .from(responseTemplates)
    .orderBy(asc(responseTemplates.id));
}

/** Returns the template with this id, or null. */
export async function getResponseTemplate(db: Db, id: number): Promise<ResponseTemplate | null> {
  const [row] = await db.select(templateColumns).from(responseTemplates).where(eq(responseTemplates.id, id));
  return row ?? null;
}

/** Returns the stored template. */
export async function insertResponseTemplate(db: Db, input: ResponseTemplateInput, userId: number | null): Promise<ResponseTemplate> {
  const [row] = await db.insert(responseTemplates).values({ ...input, createdBy: userId }).returning(templateColumns);
  if (!row) throw new Error('db: insert into response_templates returned no row');
  return row;
}

/** Returns the updated template, or null when it does not exist. */
export async function updateResponseTemplate(db: Db, id: number, input: ResponseTemplateInput): Promise<ResponseTemplate | null> {
  const [row] = await db
    .update(responseTemplates)
    .set({ ...input, updatedAt: new Date() })
    .where(eq(responseTemplates.id, id))
    .returning(templateColumns);
  return row ?? null;
}

/** The templates a fresh install starts with: one or two per verdict, in the ward's own words. */
export const DEFAULT_RESPONSE_TEMPLATES: ResponseTemplateInput[] = [
  {
    verdict: 'false',
    kind: 'correction',
    channel: 'ward_portal',
    title: 'Đính chính trên Cổng thông tin điện tử phường',
    text:
      'Ủy ban nhân dân phường thông tin: nội dung đang lan truyền về sự việc nêu trên là không đúng sự thật. ' +
      'Qua xác minh với nhà trường và các cơ quan liên quan, thông tin chính xác như sau: … ' +
      'Đề nghị Nhân dân không chia sẻ, bình luận thông tin sai lệch; mọi phản ánh xin gửi về bộ phận một cửa của phường.',
    enabled: true,
  },
  {
    verdict: 'false',
    kind: 'correction',
    channel: 'loudspeaker',
    title: 'Đính chính trên hệ thống truyền thanh cơ sở',
    text:
      'Thông báo của Ủy ban nhân dân phường: thời gian qua trên mạng xã hội xuất hiện thông tin sai sự thật về … ' +
      'Ủy ban nhân dân phường khẳng định thông tin này không chính xác. Đề nghị bà con không tin, không chia sẻ.',
    enabled: true,
  },
  {
    verdict: 'fake',
    kind: 'correction',
    channel: 'social_page',
    title: 'Cảnh báo tin giả trên trang Zalo/Facebook của phường',
    text:
      'CẢNH BÁO TIN GIẢ: Thông tin về … đang được chia sẻ trên mạng xã hội là tin giả, được bịa đặt nhằm gây hoang mang. ' +
      'Ủy ban nhân dân phường đề nghị Nhân dân, phụ huynh học sinh tỉnh táo, không chia sẻ và báo cho phường khi phát hiện.',
    enabled: true,
  },
  {
    verdict: 'unverified',
    kind: 'clarification',
    channel: 'ward_portal',
    title: 'Thông tin ban đầu, đang xác minh',
    text:
      'Ủy ban nhân dân phường đã nắm được thông tin phản ánh về … và đang phối hợp với nhà trường xác minh. ' +
      'Kết quả sẽ được thông báo công khai trên Cổng thông tin điện tử phường trong thời gian sớm nhất.',
    enabled: true,
  },
  {
    verdict: 'unverified',
    kind: 'escalation',
    channel: 'report_up',
    title: 'Chuyển Phòng Giáo dục và Đào tạo xác minh',
    text:
      'Ủy ban nhân dân phường chuyển nội dung phản ánh về … đến Phòng Giáo dục và Đào tạo để xác minh, ' +
      'đề nghị phản hồi kết quả để phường thông tin đến Nhân dân.',
    enabled: true,
  },
  {
    verdict: 'verified',
    kind: 'reply',
    channel: 'residential_meeting',
    title: 'Trả lời phản ánh đúng tại họp tổ dân phố',
    text:
      'Ủy ban nhân dân phường ghi nhận phản ánh của Nhân dân về … là có cơ sở. Phường đã chỉ đạo nhà trường khắc phục: … ' +
      'Kết quả khắc phục sẽ được báo cáo tại cuộc họp tổ dân phố gần nhất.',
    enabled: true,
  },
];

/** Stores the default templates when there are none yet; returns how many were added. */
export async function seedResponseTemplatesIfEmpty(db: Db, seeds: ResponseTemplateInput[] = DEFAULT_RESPONSE_TEMPLATES): Promise<number> {
  const [row] = await db.select({ value: count() }).from(responseTemplates);
  if ((row?.value ?? 0) > 0) return 0;
  await db.insert(responseTemplates).values(seeds.map((seed) => ({ ...seed, text: seed.text.normalize('NFC'), title: seed.title.normalize('NFC') })));
  return seeds.length;
}
