// The sign-in page.
import { apiErrorText, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** Props of LoginPage. `error` is an API error code such as `invalid_credentials`. */
export interface LoginPageProps {
  locale: Locale;
  error?: string;
  username?: string;
  /** Where to go after signing in (a same-site path, checked by the route). */
  next?: string;
}

/** Returns the sign-in page: a POST /login form with labelled inputs and any error beside it. */
export function LoginPage({ locale, error, username, next }: LoginPageProps) {
  return (
    <Layout title={t(locale, 'login.title')} locale={locale}>
      <section class="card login-card">
        <h1>{t(locale, 'login.title')}</h1>
        <p class="muted">{t(locale, 'login.intro')}</p>
        {error && (
          <p class="alert alert-error" role="alert" id="login-error">
            {apiErrorText(locale, error)}
          </p>
        )}
        <form class="stack-form" method="post" action="/login">
          {next && <input type="hidden" name="next" value={next} />}
          <label for="login-username">{t(locale, 'login.username')}</label>
          <input
            id="login-username"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            autofocus={!username}
            value={username ?? ''}
            aria-describedby={error ? 'login-error' : undefined}
          />
          <label for="login-password">{t(locale, 'login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            autofocus={Boolean(username)}
          />
          <button type="submit" class="button button-primary">
            {t(locale, 'login.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
