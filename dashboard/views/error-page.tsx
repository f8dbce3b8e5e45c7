// The page shown when a page request fails.
import type { SessionUser } from '../../src/domain/user.ts';
import { apiErrorText, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** Props of ErrorPage. `code` is an API error code such as `not_found`. */
export interface ErrorPageProps {
  locale: Locale;
  status: number;
  code: string;
  user?: SessionUser | null;
}

/** Returns an error page with the translated message and a way back. */
export function ErrorPage({ locale, status, code, user }: ErrorPageProps) {
  const title = t(locale, 'error.title', { status });
  const back = user ? '/items' : '/login';
  // A refused POST has no page to show again in the other language: switch on the way back.
  return (
    <Layout title={title} user={user} locale={locale} backPath={back}>
      <section class="card error-card">
        <h1>{title}</h1>
        <p class="alert alert-error" role="alert">
          {apiErrorText(locale, code)}
        </p>
        <p>
          {user ? (
            <a href={back}>{t(locale, 'error.backToQueue')}</a>
          ) : (
            <a href={back}>{t(locale, 'error.toLogin')}</a>
          )}
        </p>
      </section>
    </Layout>
  );
}
