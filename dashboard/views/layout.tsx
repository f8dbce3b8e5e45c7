// The page shell every dashboard page renders inside.
import type { Child } from 'hono/jsx';
import { tryGetContext } from 'hono/context-storage';
import { raw } from 'hono/html';
import { READ_ITEM_ROLES, TRIAGE_ROLES, type SessionUser } from '../../src/domain/user.ts';
import { t, type Locale } from '../i18n/messages.ts';

/** Which top-level section a page belongs to, to mark it in the nav. */
export type NavSection = 'items' | 'sources' | 'rules' | 'claims' | 'imports' | 'feedback' | 'reports' | 'templates' | 'deadlines' | 'alerts' | 'privacy' | 'publicForm' | 'audit' | 'users';

/** Props of Layout. */
export interface LayoutProps {
  title: string;
  user?: SessionUser | null;
  locale: Locale;
  /** The nav entry to mark as current. */
  section?: NavSection;
  /**
   * The GET page to switch language on when this page answers a POST to an address that has
   * no GET page (a preview, a dry run): `/sources`, not `/sources/preview`.
   */
  backPath?: string;
  children?: Child;
}

/** The request a page answers: its address and method. */
export interface PageRequest {
  url: string;
  method: string;
}

/**
 * Returns the address of the same page in `locale`: every query parameter kept, `lang` set.
 * A page answering a POST links to `backPath` (the GET page its form lives on) when given,
 * else to its own address; without a request, to `?lang=` alone.
 */
export function langSwitchHref(locale: Locale, request: PageRequest | undefined, backPath?: string): string {
  if (!request) return `?lang=${locale}`;
  const current = new URL(request.url);
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  const target = !isRead && backPath ? new URL(backPath, current) : current;
  target.searchParams.set('lang', locale);
  // One leading slash: `//host/…` typed into the address would otherwise link to another site.
  return `${target.pathname.replace(/^\/+/, '/')}${target.search}`;
}

// A constant, never data: hono/jsx has no way to write a doctype, and without one browsers
// fall into quirks mode.
const DOCTYPE = raw('<!DOCTYPE html>');

/** Returns a full HTML page: head with the stylesheet and the one deferred script, nav, and main. */
export function Layout({ title, user, locale, section, backPath, children }: LayoutProps) {
  const otherLocale: Locale = locale === 'vi' ? 'en' : 'vi';
  // The request comes from Hono's context storage (set up in createApp), so no page has to pass it on.
  const request = tryGetContext()?.req;
  const canReadItems = user ? READ_ITEM_ROLES.includes(user.role) : false;
  // MTTQ officers pass citizens' opinions on; admins may too.
  const canSubmitFeedback = user ? user.role === 'mttq' || user.role === 'admin' : false;
  return (
    <>
      {DOCTYPE}
      <html lang={locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · ${t(locale, 'app.name')}`}</title>
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/app.js" defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">
            {t(locale, 'app.skipToContent')}
          </a>
          <header class="site-header">
            <a class="brand" href={canReadItems ? '/items' : canSubmitFeedback ? '/feedback' : user ? '/' : '/login'}>
              {t(locale, 'app.name')}
            </a>
            <nav class="site-nav" aria-label={t(locale, 'nav.main')}>
              {canReadItems && (
                <>
                  <a href="/items" aria-current={section === 'items' ? 'page' : undefined}>
                    {t(locale, 'nav.items')}
                  </a>
                  <a href="/sources" aria-current={section === 'sources' ? 'page' : undefined}>
                    {t(locale, 'nav.sources')}
                  </a>
                  <a href="/rules" aria-current={section === 'rules' ? 'page' : undefined}>
                    {t(locale, 'nav.rules')}
                  </a>
                  <a href="/claims" aria-current={section === 'claims' ? 'page' : undefined}>
                    {t(locale, 'nav.claims')}
                  </a>
                  {user && TRIAGE_ROLES.includes(user.role) && (
                    <a href="/imports" aria-current={section === 'imports' ? 'page' : undefined}>
                      {t(locale, 'nav.imports')}
                    </a>
                  )}
                  <a href="/templates" aria-current={section === 'templates' ? 'page' : undefined}>
                    {t(locale, 'templates.nav')}
                  </a>
                  {user?.role === 'admin' && (
                    <a href="/settings/deadlines" aria-current={section === 'deadlines' ? 'page' : undefined}>
                      {t(locale, 'deadlines.nav')}
                    </a>
                  )}
                  {user?.role === 'admin' && (
                    <a href="/settings/public-form" aria-current={section === 'publicForm' ? 'page' : undefined}>
                      {t(locale, 'public.settings.nav')}
                    </a>
                  )}
                </>
              )}
              {canReadItems && (
                <a href="/reports/weekly" aria-current={section === 'reports' ? 'page' : undefined}>
                  {t(locale, 'weekly.nav')}
                </a>
              )}
              {canReadItems && (
                <a href="/alerts" aria-current={section === 'alerts' ? 'page' : undefined}>
                  {t(locale, 'alerts.nav')}
                </a>
              )}
              {canReadItems && (
                <a href="/audit/denials" aria-current={section === 'audit' ? 'page' : undefined}>
                  {t(locale, 'denials.nav')}
                </a>
              )}
              {canSubmitFeedback && (
                <a href="/feedback" aria-current={section === 'feedback' ? 'page' : undefined}>
                  {t(locale, 'nav.feedback')}
                </a>
              )}
              {user?.role === 'admin' && (
                <a href="/data-requests" aria-current={section === 'privacy' ? 'page' : undefined}>
                  {t(locale, 'feedbackPrivacy.nav')}
                </a>
              )}
              {user?.role === 'admin' && (
                <a href="/users" aria-current={section === 'users' ? 'page' : undefined}>
                  {t(locale, 'users.nav')}
                </a>
              )}
            </nav>
            <div class="site-user">
              <a
                class="lang-switch"
                href={langSwitchHref(otherLocale, request && { url: request.url, method: request.method }, backPath)}
                hreflang={otherLocale}
                lang={otherLocale}
                title={t(locale, 'lang.switchLabel')}
              >
                {t(locale, 'lang.switch')}
              </a>
              {user && (
                <>
                  <span class="user-name" title={t(locale, `role.${user.role}`)}>
                    {t(locale, 'nav.signedInAs', { name: user.username })}
                  </span>
                  <form class="logout-form" method="post" action="/logout">
                    <button type="submit" class="button button-quiet">
                      {t(locale, 'nav.logout')}
                    </button>
                  </form>
                </>
              )}
            </div>
          </header>
          <main id="main" class="site-main">
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
