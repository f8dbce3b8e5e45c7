import { describe, expect, it } from 'vitest';
import { ErrorPage } from '../../../dashboard/views/error-page.tsx';
import { ItemListPage } from '../../../dashboard/views/item-list-page.tsx';
import { ItemPage } from '../../../dashboard/views/item-page.tsx';
import { Layout } from '../../../dashboard/views/layout.tsx';
import { LoginPage } from '../../../dashboard/views/login-page.tsx';
import { SourcesPage } from '../../../dashboard/views/sources-page.tsx';
import { ClaimsPage } from '../../../dashboard/views/claims-page.tsx';
import { RulesPage, ruleErrorText } from '../../../dashboard/views/rules-page.tsx';
import { STAFF_RULE_MAX_TERMS, STAFF_RULE_MAX_WINDOW_WORDS } from '../../../src/domain/rule.ts';
import { renderHtml } from './render-html.ts';
import { sampleItem, sampleSource, sampleUser } from './sample-data.ts';

const XSS = '"><img src=x onerror=alert(1)>';
const user = sampleUser();

/** Every page, rendered with hostile data where the page shows collected text. */
async function renderAllPages(): Promise<Record<string, string>> {
  const hostileItem = sampleItem({
    title: XSS,
    body: `<script>alert(1)</script>\n${XSS}`,
    url: 'javascript:alert(1)',
    sourceName: XSS,
    author: XSS,
  });
  const hostileSource = sampleSource({ name: XSS, url: 'javascript:alert(1)', lastError: XSS });
  return {
    login: await renderHtml(<LoginPage locale="vi" error="invalid_credentials" username={XSS} />),
    list: await renderHtml(
      <ItemListPage
        user={user}
        locale="vi"
        items={[hostileItem, sampleItem({ id: 43 })]}
        filters={{ q: XSS, status: 'new' }}
        nextCursor={XSS}
        sources={[{ id: 7, name: XSS }]}
      />,
    ),
    item: await renderHtml(<ItemPage user={user} locale="vi" item={hostileItem} canTriage />),
    sources: await renderHtml(
      <SourcesPage
        user={user}
        locale="vi"
        sources={[hostileSource]}
        canManage
        flash={{ kind: 'created', name: XSS }}
      />,
    ),
    rules: await renderHtml(
      <RulesPage
        user={user}
        locale="vi"
        rules={[{ id: 3, kind: 'regex', category: 'negative', pattern: XSS, terms: [XSS], windowWords: null, weight: 1, enabled: true, note: XSS, updatedAt: new Date() }]}
        gazetteer={{ wardNames: [XSS], schools: [], residentialGroups: [] }}
        canEdit
        reclassification={{ state: 'running', total: 10, checked: 4, changed: 4, finishedAt: null }}
        form={{ kind: 'regex', category: 'negative', pattern: XSS, terms: [], windowWords: null, weight: 1, enabled: true, note: null }}
        errors={[{ field: 'pattern', code: 'unsafe_regex' }]}
      />,
    ),
    claims: await renderHtml(
      <ClaimsPage
        user={user}
        locale="vi"
        claims={[{ id: 12, statement: XSS, verdict: 'false', correction: XSS, references: ['javascript:alert(1)', 'https://example.org/a'], enabled: true, updatedAt: new Date() }]}
        canEdit
        reclassification={null}
      />,
    ),
    itemWithClaim: await renderHtml(
      <ItemPage
        user={user}
        locale="vi"
        item={sampleItem({
          classification: {
            labels: ['misinformation'],
            scores: {},
            spans: [],
            version: 'v',
            claimMatches: [{ claimId: 12, score: 0.82, verdict: 'false', correction: XSS }],
          },
        })}
        canTriage
      />,
    ),
    error: await renderHtml(<ErrorPage locale="vi" status={404} code="not_found" user={user} />),
    errorEn: await renderHtml(<ErrorPage locale="en" status={500} code={XSS} />),
  };
}

describe('every page', () => {
  it('escapes hostile text and never emits an <img> tag', async () => {
    for (const [name, html] of Object.entries(await renderAllPages())) {
      expect(html, name).not.toContain('<img');
      expect(html, name).not.toContain('<script>alert');
    }
  });

  it('has no inline script, inline handlers or style attributes (the CSP forbids them)', async () => {
    for (const [name, html] of Object.entries(await renderAllPages())) {
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length, name).toBe(1);
      for (const [, attributes, content] of scripts) {
        expect(attributes, name).toContain('src="/static/app.js"');
        expect(content, name).toBe('');
      }
      // Attributes are only ever inside tags; hostile text is escaped so its `<` cannot open one.
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      for (const tag of tags) {
        // Quoted values are escaped text; only the attribute names outside them matter.
        const names = tag.replace(/"[^"]*"/g, '""');
        expect(names, name).not.toMatch(/\son[a-z]+\s*=/i);
        expect(names, name).not.toMatch(/\sstyle\s*=/i);
      }
      expect(html, name).not.toContain('javascript:alert(1)"');
      expect(html, name).not.toMatch(/href="\s*javascript:/i);
    }
  });

  it('starts with a doctype and links the stylesheet', async () => {
    for (const [name, html] of Object.entries(await renderAllPages())) {
      expect(html.startsWith('<!DOCTYPE html><html lang='), name).toBe(true);
      expect(html, name).toContain('<link rel="stylesheet" href="/static/app.css"/>');
      expect(html, name).toContain('name="viewport"');
    }
  });
});

describe('Layout', () => {
  it('shows the Vietnamese nav, the user, the logout form and an English switch', async () => {
    const html = await renderHtml(
      <Layout title="Trang" user={user} locale="vi">
        <p>nội dung</p>
      </Layout>,
    );
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<a href="/items">Hàng đợi</a>');
    expect(html).toContain('<a href="/sources">Nguồn tin</a>');
    expect(html).toContain('canbo.vhxh');
    expect(html).toMatch(/<form class="logout-form" method="post" action="\/logout">/);
    expect(html).toContain('href="?lang=en"');
    expect(html).toContain('<p>nội dung</p>');
  });

  it('offers Vietnamese from the English page', async () => {
    const html = await renderHtml(<Layout title="Page" user={user} locale="en" />);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('href="?lang=vi"');
    expect(html).toContain('>Queue</a>');
  });

  it('shows no nav or logout without a user, and no queue link to roles that cannot read it', async () => {
    const anonymous = await renderHtml(<Layout title="x" locale="vi" />);
    expect(anonymous).not.toContain('/logout');
    expect(anonymous).not.toContain('href="/items"');
    const mttq = await renderHtml(<Layout title="x" user={sampleUser({ role: 'mttq' })} locale="vi" />);
    expect(mttq).not.toContain('href="/items"');
    expect(mttq).toContain('/logout');
  });
});

describe('LoginPage', () => {
  it('posts username and password with labels to /login', async () => {
    const html = await renderHtml(<LoginPage locale="vi" />);
    expect(html).toContain('method="post" action="/login"');
    expect(html).toContain('<label for="login-username">Tên đăng nhập</label>');
    expect(html).toContain('<label for="login-password">Mật khẩu</label>');
    expect(html).toContain('name="password" type="password"');
    expect(html).not.toContain('role="alert"');
  });

  it('shows the error and keeps the username, escaped', async () => {
    const html = await renderHtml(<LoginPage locale="vi" error="invalid_credentials" username={XSS} />);
    expect(html).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });
});

describe('ItemListPage', () => {
  it('shows each item with labels, link, source, times, status and why it was flagged', async () => {
    const html = await renderHtml(
      <ItemListPage user={user} locale="vi" items={[sampleItem()]} filters={{}} nextCursor={null} sources={[]} />,
    );
    expect(html).toContain('<span class="badge label-negative">Tiêu cực</span>');
    expect(html).toContain('<span class="badge label-relevant">Liên quan giáo dục/phường</span>');
    expect(html).toContain('href="/items/42">Phụ huynh bức xúc vì lạm thu học phí</a>');
    expect(html).toContain('Báo Giáo dục');
    expect(html).toContain('Đăng: 05/09/2024 08:15');
    expect(html).toContain('Thu thập: 05/09/2024 09:00');
    expect(html).toContain('<span class="badge status-new">Mới</span>');
    expect(html).toContain('>bức xúc</span>');
    expect(html).toContain('>lạm thu</span>');
    expect(html).toContain('class="badge reason flag-negative"');
    expect(html).not.toContain('rel="next"');
  });

  it('escapes a hostile title', async () => {
    const html = await renderHtml(
      <ItemListPage user={user} locale="vi" items={[sampleItem({ title: XSS })]} filters={{}} nextCursor={null} sources={[]} />,
    );
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('shows an empty state when nothing matches', async () => {
    const html = await renderHtml(
      <ItemListPage user={user} locale="vi" items={[]} filters={{}} nextCursor={null} sources={[]} />,
    );
    expect(html).toContain('Không có tin nào phù hợp với bộ lọc.');
    expect(html).not.toContain('<table');
  });

  it('keeps the filters in the form and in the next-page link', async () => {
    const html = await renderHtml(
      <ItemListPage
        user={user}
        locale="vi"
        items={[sampleItem()]}
        filters={{ status: 'in_review', label: 'negative', sourceId: 7, q: 'học phí', from: '2024-09-01', to: '2024-09-30', order: 'newest' }}
        nextCursor="abc123"
        sources={[{ id: 7, name: 'Báo Giáo dục' }, { id: 8, name: 'Zalo phường' }]}
      />,
    );
    expect(html).toContain('method="get" action="/items"');
    expect(html).toContain('<option value="in_review" selected="">Đang xem xét</option>');
    expect(html).toContain('<option value="negative" selected="">Tiêu cực</option>');
    expect(html).toContain('<option value="7" selected="">Báo Giáo dục</option>');
    expect(html).toContain('<option value="8">Zalo phường</option>');
    expect(html).toContain('name="q" type="search" value="học phí"');
    expect(html).toContain('name="from" type="date" value="2024-09-01"');
    expect(html).toContain('<option value="newest" selected="">');
    const next = html.match(/<a class="button" rel="next" href="([^"]+)"/)?.[1];
    expect(next).toBeDefined();
    const url = new URL(next!.replaceAll('&amp;', '&'), 'http://x');
    expect(url.pathname).toBe('/items');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'in_review', label: 'negative', source: '7', q: 'học phí',
      from: '2024-09-01', to: '2024-09-30', order: 'newest', cursor: 'abc123',
    });
  });
});

describe('ItemPage', () => {
  it('shows a matched claim with its score, verdict and correction', async () => {
    const html = (await renderAllPages()).itemWithClaim!;
    expect(html).toContain('Trùng với thông tin #12 (0,82)');
    expect(html).toContain('href="/claims#claim-12"');
    expect(html).toContain('Tin sai sự thật');
  });

  it('highlights the title and body spans in their own fields', async () => {
    const html = await renderHtml(<ItemPage user={user} locale="vi" item={sampleItem()} canTriage={false} />);
    expect(html).toMatch(/<h1 class="item-title preserve">Phụ huynh <mark class="flag flag-negative"[^>]*>bức xúc<\/mark> vì lạm thu học phí<\/h1>/);
    expect(html).toMatch(/Phụ huynh phản ánh <mark class="flag flag-negative"[^>]*>lạm thu<\/mark>\./);
    expect(html).toContain('khoản.\nPhụ huynh');
  });

  it('shows labels, scores, source, status and a safe original link', async () => {
    const html = await renderHtml(<ItemPage user={user} locale="vi" item={sampleItem()} canTriage={false} />);
    expect(html).toContain('Tiêu cực');
    expect(html).toContain('0,80');
    expect(html).toContain('0,95');
    expect(html).toContain('Báo Giáo dục');
    expect(html).toContain('<span class="badge status-new">Mới</span>');
    expect(html).toContain('href="https://example.vn/bai-viet/1"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('shows a javascript: link as text, never as an href', async () => {
    for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'http:/x', 'https://exa mple.vn']) {
      const html = await renderHtml(<ItemPage user={user} locale="vi" item={sampleItem({ url })} canTriage />);
      expect(html, url).not.toContain('class="original-link"');
      expect(html, url).toContain('<span class="unsafe-url">');
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.filter((h) => !h.startsWith('/') && !h.startsWith('?') && !h.startsWith('#')), url).toEqual([]);
    }
  });

  it('escapes a hostile title and body', async () => {
    const html = await renderHtml(
      <ItemPage user={user} locale="vi" item={sampleItem({ title: XSS, body: XSS })} canTriage />,
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('offers the status buttons with status and version only when the user can triage', async () => {
    const html = await renderHtml(<ItemPage user={user} locale="vi" item={sampleItem()} canTriage />);
    const forms = [...html.matchAll(/<form method="post" action="\/items\/42\/status"[^>]*>([\s\S]*?)<\/form>/g)];
    expect(forms.map((f) => f[1]!.match(/name="status" value="(\w+)"/)?.[1])).toEqual([
      'in_review', 'responded', 'escalated', 'dismissed',
    ]);
    for (const form of forms) expect(form[1]).toContain('<input type="hidden" name="version" value="3"/>');
    for (const label of ['Đang xem xét', 'Đã phản hồi', 'Chuyển cấp trên', 'Bỏ qua']) {
      expect(html).toContain(`>${label}</button>`);
    }
    expect(html).toContain('data-confirm="Bỏ qua tin này?"');

    const readOnly = await renderHtml(<ItemPage user={user} locale="vi" item={sampleItem()} canTriage={false} />);
    expect(readOnly).not.toContain('/status');
  });

  it('offers only the moves triage allows from the current status', async () => {
    const html = await renderHtml(
      <ItemPage user={user} locale="vi" item={sampleItem({ status: 'responded' })} canTriage />,
    );
    const statuses = [...html.matchAll(/name="status" value="(\w+)"/g)].map((m) => m[1]);
    expect(statuses).toEqual(['in_review']);
  });

  it('says so when the item is not classified', async () => {
    const html = await renderHtml(
      <ItemPage user={user} locale="en" item={sampleItem({ classification: null, labels: [] })} canTriage={false} />,
    );
    expect(html).toContain('Not classified yet.');
    expect(html).not.toContain('<mark');
  });
});

describe('SourcesPage', () => {
  it('shows health, translated errors, times and the fetch button', async () => {
    const html = await renderHtml(
      <SourcesPage user={user} locale="vi" sources={[sampleSource()]} canManage={false} />,
    );
    expect(html).toContain('Lỗi 2 lần liên tiếp');
    expect(html).toContain('Máy chủ trả về mã lỗi HTTP');
    expect(html).toContain('HTTP 503 from example.vn');
    expect(html).toContain('05/09/2024 06:00'); // last success
    expect(html).toContain('05/09/2024 10:30'); // next try
    expect(html).toContain('<code>https://example.vn/rss</code>');
    expect(html).not.toContain('href="https://example.vn/rss"');
    expect(html).toContain('method="post" action="/sources/7/fetch"');
    expect(html).toContain('Lấy tin ngay');
    expect(html).not.toContain('action="/sources"');
  });

  it('shows a healthy source as healthy', async () => {
    const html = await renderHtml(
      <SourcesPage
        user={user}
        locale="vi"
        sources={[sampleSource({ consecutiveFailures: 0, lastError: null, lastErrorCode: null, lastErrorAt: null })]}
        canManage={false}
      />,
    );
    expect(html).toContain('Hoạt động tốt');
  });

  it('shows the add form to managers', async () => {
    const html = await renderHtml(<SourcesPage user={user} locale="vi" sources={[]} canManage />);
    expect(html).toContain('method="post" action="/sources"');
    expect(html).toContain('<select id="source-kind" name="kind">');
    expect(html).toContain('formaction="/sources/preview"');
    expect(html).toContain('name="selector_item"');
    expect(html).toContain('name="name"');
    expect(html).toContain('name="url"');
    expect(html).toContain('Chưa có nguồn tin nào.');
  });

  it('shows the counts of the last refresh', async () => {
    const html = await renderHtml(
      <SourcesPage
        user={user}
        locale="vi"
        sources={[sampleSource()]}
        canManage={false}
        flash={{ kind: 'refreshed', result: { sourceId: 7, status: 'ok', fetched: 12, stored: 3, skipped: 9, failedEntries: 0 } }}
      />,
    );
    expect(html).toContain('Đã lấy tin: 12 mục, lưu 3 mục mới, bỏ qua 9, lỗi 0.');
  });

  it('shows a failed refresh with its translated code and message', async () => {
    const html = await renderHtml(
      <SourcesPage
        user={user}
        locale="en"
        sources={[]}
        canManage={false}
        flash={{
          kind: 'refreshed',
          result: { sourceId: 7, status: 'error', fetched: 0, stored: 0, skipped: 0, failedEntries: 0, error: { code: 'not_a_feed', message: 'got text/html' } },
        }}
      />,
    );
    expect(html).toContain('Fetch failed: Not an RSS/Atom feed');
    // The collector's English detail is folded under "Technical detail", not in the message.
    expect(html).not.toContain('feed — got text/html');
    expect(html).toMatch(/<details class="error-detail"><summary>Technical detail<\/summary><code class="error-message">got text\/html<\/code><\/details>/);
    expect(html).toContain('class="alert alert-error"');
  });
});

describe('ErrorPage', () => {
  it('shows the status and the translated message', async () => {
    const html = await renderHtml(<ErrorPage locale="vi" status={403} code="forbidden" user={user} />);
    expect(html).toContain('<h1>Lỗi 403</h1>');
    expect(html).toContain('Bạn không có quyền thực hiện thao tác này.');
    expect(html).toContain('href="/items"');
  });

  it('sends signed-out visitors to the login page', async () => {
    const html = await renderHtml(<ErrorPage locale="en" status={401} code="unauthorized" />);
    expect(html).toContain('You need to sign in.');
    expect(html).toContain('href="/login"');
  });
});

describe('ruleErrorText', () => {
  it('states the limits the classifier validates with', () => {
    expect(ruleErrorText('vi', 'bad_window')).toBe(`Khoảng cách phải từ 1 đến ${STAFF_RULE_MAX_WINDOW_WORDS} từ.`);
    expect(ruleErrorText('en', 'too_many_terms')).toBe(`Too many terms (at most ${STAFF_RULE_MAX_TERMS}).`);
    expect(ruleErrorText('vi', 'no_such_code')).toBe(ruleErrorText('vi', 'invalid'));
  });
});
