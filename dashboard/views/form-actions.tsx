// The footer of an add/edit form: save, and cancel back to the list when editing.
import { t, type Locale } from '../i18n/messages.ts';

/** Returns the save button and, when `cancelHref` is given (editing), a cancel link. */
export function FormActions({ locale, cancelHref }: { locale: Locale; cancelHref?: string }) {
  return (
    <div class="form-actions">
      <button type="submit" class="button button-primary">
        {t(locale, 'common.save')}
      </button>
      {cancelHref && (
        <a class="button" href={cancelHref}>
          {t(locale, 'common.cancel')}
        </a>
      )}
    </div>
  );
}
