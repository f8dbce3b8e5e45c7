// The log of refused requests, for supervisors: who asked for what, when, and why it was refused.
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** One refused request as the page shows it. */
export interface DenialRow {
  at: Date;
  username: string | null;
  method: string;
  path: string;
  status: number;
  code: string;
  itemId: number | null;
}

/** Returns the text saying why a request was refused. */
export function denialReason(locale: Locale, status: number, code: string): string {
  if (code === 'stale_session') return t(locale, 'denials.reason.staleSession');
  if (code === 'csrf_failed') return t(locale, 'denials.reason.crossSite');
  if (status === 409) return t(locale, 'denials.reason.conflict');
  if (status === 403) return t(locale, 'denials.reason.forbidden');
  if (status === 404) return t(locale, 'denials.reason.notFound');
  return code;
}

/** Returns the list of refused requests, newest first. */
export function DenialsPage({ user, locale, denials }: { user: SessionUser; locale: Locale; denials: readonly DenialRow[] }) {
  return (
    <Layout title={t(locale, 'denials.title')} user={user} locale={locale} section="audit">
      <h1>{t(locale, 'denials.title')}</h1>
      <p class="muted">{t(locale, 'denials.intro')}</p>
      {denials.length === 0 ? (
        <p class="empty-state">{t(locale, 'denials.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t(locale, 'denials.col.at')}</th>
                <th scope="col">{t(locale, 'denials.col.who')}</th>
                <th scope="col">{t(locale, 'denials.col.request')}</th>
                <th scope="col">{t(locale, 'denials.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {denials.map((denial) => (
                <tr>
                  <td>{formatDate(denial.at, locale)}</td>
                  <td>{denial.username ?? t(locale, 'denials.signedOut')}</td>
                  <td class="break">
                    <code>
                      {denial.method} {denial.path}
                    </code>
                    {denial.itemId !== null && (
                      <>
                        {' · '}
                        <a href={`/items/${denial.itemId}`}>{t(locale, 'denials.item', { id: denial.itemId })}</a>
                      </>
                    )}
                  </td>
                  <td>
                    {denialReason(locale, denial.status, denial.code)} <span class="muted">({denial.status})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
