// The admin's page of user accounts: who may sign in and with which role; add one, change a role,
// reset a password, lock or unlock. A generated password is shown once, right after it is made.
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { ROLES, USERNAME_MAX_LENGTH, PASSWORD_MIN_LENGTH, type SessionUser, type UserAccount } from '../../src/domain/user.ts';
import { Layout } from './layout.tsx';

/** What the add form shows (as typed, after an error); the password is never written back. */
export interface UserFormValues {
  username: string;
  role: string;
}

/** A problem with one field; `message` is the catalogue's text, filled in by the route. */
export interface UserFieldError {
  field: 'username' | 'role' | 'password' | 'generatePassword' | 'disabled' | 'body';
  code: string;
  /** The name already taken, for `taken`. */
  name?: string;
  message?: string;
}

/** A problem with a change to one listed account. */
export interface UserRowError extends UserFieldError {
  userId: number;
}

export interface UsersPageProps {
  user: SessionUser;
  locale: Locale;
  accounts: readonly UserAccount[];
  form: UserFormValues;
  formErrors: readonly UserFieldError[];
  rowError?: UserRowError;
  flash?: { kind: 'added' | 'role' | 'password' | 'disabled' | 'enabled'; username: string };
  /** A password the system just generated: shown this once. */
  oncePassword?: { id: number; username: string; password: string } | null;
}

/** Returns the list of accounts with their changes, and the form that adds one. */
export function UsersPage({ user, locale, accounts, form, formErrors, rowError, flash, oncePassword }: UsersPageProps) {
  const errorOf = (field: UserFieldError['field']) => formErrors.find((error) => error.field === field);
  const rowErrorOf = (id: number, field: UserFieldError['field']) => (rowError && rowError.userId === id && rowError.field === field ? rowError : undefined);
  const fieldError = (id: string, error: UserFieldError | undefined) =>
    error && (
      <p class="field-error" id={id}>
        {error.message}
      </p>
    );
  return (
    <Layout title={t(locale, 'users.title')} user={user} locale={locale} section="users">
      <h1>{t(locale, 'users.title')}</h1>
      <p class="muted">{t(locale, 'users.intro')}</p>
      {flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, `users.flash.${flash.kind}`, { name: flash.username })}
        </p>
      )}
      {oncePassword && (
        <section class="alert alert-info card" role="status" aria-labelledby="users-once-title">
          <h2 id="users-once-title">{t(locale, 'users.once.title', { name: oncePassword.username })}</h2>
          <p>
            <code class="break" id="users-once-password">
              {oncePassword.password}
            </code>
          </p>
          <p>{t(locale, 'users.once.note')}</p>
        </section>
      )}
      {rowError && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'users.error.row', { name: accounts.find((account) => account.id === rowError.userId)?.username ?? `#${rowError.userId}` })}{' '}
          {rowError.message}
        </p>
      )}
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">{t(locale, 'users.col.username')}</th>
            <th scope="col">{t(locale, 'users.col.role')}</th>
            <th scope="col">{t(locale, 'users.col.status')}</th>
            <th scope="col">{t(locale, 'users.col.created')}</th>
            <th scope="col">{t(locale, 'users.col.password')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => {
            const roleError = rowErrorOf(account.id, 'role');
            const passwordError = rowErrorOf(account.id, 'password');
            const disabledError = rowErrorOf(account.id, 'disabled');
            return (
              <tr id={`user-${account.id}`} class={account.disabled ? 'row-disabled' : undefined}>
                <td data-label={t(locale, 'users.col.username')}>
                  {account.username}
                  {account.id === user.id && <span class="muted"> {t(locale, 'users.you')}</span>}
                </td>
                <td data-label={t(locale, 'users.col.role')}>
                  <form method="post" action={`/users/${account.id}/role`} class="inline-form">
                    <label class="visually-hidden" for={`user-${account.id}-role`}>
                      {t(locale, 'users.role.label', { name: account.username })}
                    </label>
                    <select
                      id={`user-${account.id}-role`}
                      name="role"
                      aria-invalid={roleError ? 'true' : undefined}
                      aria-describedby={roleError ? `user-${account.id}-role-error` : undefined}
                    >
                      {ROLES.map((role) => (
                        <option value={role} selected={role === account.role}>
                          {t(locale, `role.${role}`)}
                        </option>
                      ))}
                    </select>{' '}
                    <button type="submit" class="button">
                      {t(locale, 'users.role.submit')}
                    </button>
                  </form>
                  {fieldError(`user-${account.id}-role-error`, roleError)}
                </td>
                <td data-label={t(locale, 'users.col.status')}>
                  {t(locale, account.disabled ? 'users.status.disabled' : 'users.status.active')}{' '}
                  <form method="post" action={`/users/${account.id}/disabled`} class="inline-form">
                    <input type="hidden" name="disabled" value={account.disabled ? 'false' : 'true'} />
                    <button type="submit" class="button" aria-describedby={disabledError ? `user-${account.id}-disabled-error` : undefined}>
                      {t(locale, account.disabled ? 'users.enable.submit' : 'users.disable.submit')}
                    </button>
                  </form>
                  {fieldError(`user-${account.id}-disabled-error`, disabledError)}
                </td>
                <td data-label={t(locale, 'users.col.created')}>{formatDate(account.createdAt, locale)}</td>
                <td data-label={t(locale, 'users.col.password')}>
                  <form method="post" action={`/users/${account.id}/password`} class="inline-form">
                    <label class="visually-hidden" for={`user-${account.id}-password`}>
                      {t(locale, 'users.password.label', { name: account.username })}
                    </label>
                    <input
                      id={`user-${account.id}-password`}
                      name="password"
                      type="password"
                      autocomplete="new-password"
                      placeholder={t(locale, 'users.password.placeholder')}
                      aria-invalid={passwordError ? 'true' : undefined}
                      aria-describedby={passwordError ? `user-${account.id}-password-error` : undefined}
                    />{' '}
                    <button type="submit" class="button">
                      {t(locale, 'users.password.submit')}
                    </button>
                  </form>
                  {fieldError(`user-${account.id}-password-error`, passwordError)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <section aria-labelledby="users-add-title">
        <h2 id="users-add-title">{t(locale, 'users.add.title')}</h2>
        <form class="stack-form card" method="post" action="/users" novalidate>
          {formErrors.length > 0 && (
            <p class="alert alert-error" role="alert">
              {t(locale, 'users.error.form')}
            </p>
          )}
          <label for="user-new-username">{t(locale, 'users.field.username')}</label>
          <input
            id="user-new-username"
            name="username"
            type="text"
            autocomplete="off"
            maxlength={USERNAME_MAX_LENGTH}
            required
            value={form.username}
            aria-invalid={errorOf('username') ? 'true' : undefined}
            aria-describedby={errorOf('username') ? 'user-new-username-error' : 'user-new-username-hint'}
          />
          <p class="muted" id="user-new-username-hint">
            {t(locale, 'users.hint.username', { max: USERNAME_MAX_LENGTH })}
          </p>
          {fieldError('user-new-username-error', errorOf('username'))}
          <label for="user-new-role">{t(locale, 'users.field.role')}</label>
          <select
            id="user-new-role"
            name="role"
            aria-invalid={errorOf('role') ? 'true' : undefined}
            aria-describedby={errorOf('role') ? 'user-new-role-error' : undefined}
          >
            {ROLES.map((role) => (
              <option value={role} selected={role === form.role}>
                {t(locale, `role.${role}`)}
              </option>
            ))}
          </select>
          {fieldError('user-new-role-error', errorOf('role'))}
          <label for="user-new-password">{t(locale, 'users.field.password')}</label>
          <input
            id="user-new-password"
            name="password"
            type="password"
            autocomplete="new-password"
            aria-invalid={errorOf('password') ? 'true' : undefined}
            aria-describedby={errorOf('password') ? 'user-new-password-error' : 'user-new-password-hint'}
          />
          <p class="muted" id="user-new-password-hint">
            {t(locale, 'users.hint.password', { min: PASSWORD_MIN_LENGTH })}
          </p>
          {fieldError('user-new-password-error', errorOf('password'))}
          <div class="form-actions">
            <button type="submit" class="button button-primary">
              {t(locale, 'users.add.submit')}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
