// The dashboard's message catalogue: every user-facing string, Vietnamese first, English beside it.

/** Languages the dashboard speaks. Vietnamese is the default. */
export type Locale = 'vi' | 'en';

/** Every supported locale, default first. */
export const LOCALES: readonly Locale[] = ['vi', 'en'];

/** The locale used when none is chosen. */
export const DEFAULT_LOCALE: Locale = 'vi';

const VI = {
  'app.name': 'Dư luận giáo dục',
  'app.skipToContent': 'Bỏ qua đến nội dung chính',

  'nav.items': 'Hàng đợi',
  'nav.sources': 'Nguồn tin',
  'nav.signedInAs': 'Đang đăng nhập: {name}',
  'nav.logout': 'Đăng xuất',
  'nav.main': 'Điều hướng chính',
  'lang.switch': 'English',
  'lang.switchLabel': 'Chuyển sang tiếng Anh',

  'role.admin': 'Quản trị',
  'role.staff': 'Cán bộ truyền thông',
  'role.leader': 'Lãnh đạo',
  'role.mttq': 'MTTQ',

  'common.none': '—',
  'common.yes': 'Có',
  'common.no': 'Không',
  'common.any': 'Tất cả',

  'login.title': 'Đăng nhập',
  'login.intro': 'Đăng nhập để xem hàng đợi tin cần xử lý.',
  'login.username': 'Tên đăng nhập',
  'login.password': 'Mật khẩu',
  'login.submit': 'Đăng nhập',

  'items.title': 'Hàng đợi tin cần xử lý',
  'items.filters': 'Bộ lọc',
  'items.filter.status': 'Trạng thái',
  'items.filter.label': 'Nhãn',
  'items.filter.source': 'Nguồn',
  'items.filter.q': 'Từ khóa',
  'items.filter.qPlaceholder': 'Tìm trong tiêu đề và nội dung (gõ có dấu hoặc không dấu)',
  'items.filter.from': 'Từ ngày',
  'items.filter.to': 'Đến ngày',
  'items.filter.order': 'Sắp xếp',
  'items.filter.apply': 'Lọc',
  'items.filter.reset': 'Bỏ lọc',
  'items.order.priority': 'Ưu tiên cao trước',
  'items.order.newest': 'Mới nhất trước',
  'items.col.labels': 'Nhãn',
  'items.col.title': 'Tiêu đề',
  'items.col.source': 'Nguồn',
  'items.col.time': 'Thời gian',
  'items.col.status': 'Trạng thái',
  'items.col.why': 'Lý do gắn cờ',
  'items.published': 'Đăng: {date}',
  'items.collected': 'Thu thập: {date}',
  'items.noTitle': '(không có tiêu đề)',
  'items.noLabels': 'Không có nhãn',
  'items.noReasons': 'Không có từ khóa nào khớp',
  'items.moreReasons': '+{count} khác',
  'items.empty': 'Không có tin nào phù hợp với bộ lọc.',
  'items.next': 'Trang sau',
  'items.keyboardHint': 'Phím tắt: j / k để chuyển dòng, Enter để mở tin.',

  'item.back': 'Quay lại hàng đợi',
  'item.body': 'Nội dung',
  'item.emptyBody': '(không có nội dung)',
  'item.details': 'Thông tin',
  'item.labels': 'Nhãn',
  'item.scores': 'Điểm',
  'item.source': 'Nguồn',
  'item.author': 'Tác giả',
  'item.originalLink': 'Liên kết gốc',
  'item.unsafeLink': '(liên kết không an toàn, chỉ hiển thị dạng chữ)',
  'item.status': 'Trạng thái',
  'item.verdict': 'Kết luận',
  'item.dismissReason': 'Lý do bỏ qua',
  'item.published': 'Ngày đăng',
  'item.collected': 'Ngày thu thập',
  'item.priority': 'Mức ưu tiên',
  'item.classifierVersion': 'Phiên bản bộ phân loại',
  'item.notClassified': 'Chưa được phân loại.',
  'item.why': 'Lý do gắn cờ',
  'item.events': 'Nhật ký xử lý',
  'item.eventsEmpty': 'Chưa có thay đổi nào.',
  'item.eventLine': '{who} đổi {field}: {from} → {to}',
  'item.eventField.status': 'trạng thái',
  'item.flash.saved': 'Đã lưu thay đổi.',
  'item.flash.conflict': 'Mục này vừa được người khác thay đổi. Trang đã tải lại bản mới nhất; hãy kiểm tra rồi thao tác lại.',
  'item.whyEmpty': 'Không có từ khóa nào khớp.',
  'item.inTitle': 'trong tiêu đề',
  'item.inBody': 'trong nội dung',
  'item.actions': 'Xử lý',
  'item.action.in_review': 'Đang xem xét',
  'item.action.responded': 'Đã phản hồi',
  'item.action.escalated': 'Chuyển cấp trên',
  'item.action.dismissed': 'Bỏ qua',
  'item.confirmDismiss': 'Bỏ qua tin này?',
  'item.noActions': 'Không có thao tác nào cho trạng thái hiện tại.',

  'status.open': 'Đang mở (mới, đang xem xét)',
  'status.all': 'Tất cả',
  'status.new': 'Mới',
  'status.in_review': 'Đang xem xét',
  'status.responded': 'Đã phản hồi',
  'status.escalated': 'Đã chuyển cấp trên',
  'status.dismissed': 'Đã bỏ qua',

  'verdict.fake': 'Tin giả',
  'verdict.false': 'Tin sai sự thật',
  'verdict.verified': 'Tin xác thực',
  'verdict.unverified': 'Chưa xác minh',

  'dismissReason.not_relevant': 'Không liên quan',
  'dismissReason.false_positive': 'Gắn cờ nhầm',
  'dismissReason.duplicate': 'Trùng lặp',

  'label.negative': 'Tiêu cực',
  'label.misinformation': 'Dấu hiệu tin sai',
  'label.relevant': 'Liên quan giáo dục/phường',

  'category.negative': 'Từ ngữ tiêu cực',
  'category.misinformation': 'Dấu hiệu tin sai',
  'category.relevant': 'Chủ đề giáo dục/phường',

  'sourceKind.rss': 'RSS',
  'sourceKind.html': 'Trang web',
  'sourceKind.form': 'Biểu mẫu',
  'sourceKind.import': 'Nhập tệp',

  'sources.title': 'Nguồn tin',
  'sources.col.kind': 'Loại',
  'sources.col.name': 'Tên',
  'sources.col.url': 'Địa chỉ',
  'sources.col.enabled': 'Bật',
  'sources.col.health': 'Tình trạng',
  'sources.col.lastSuccess': 'Lấy tin thành công lần cuối',
  'sources.col.lastError': 'Lỗi gần nhất',
  'sources.col.nextTry': 'Lần thử tiếp theo',
  'sources.col.actions': 'Thao tác',
  'sources.fetchNow': 'Lấy tin ngay',
  'sources.empty': 'Chưa có nguồn tin nào.',
  'sources.add.heading': 'Thêm nguồn RSS',
  'sources.add.name': 'Tên nguồn',
  'sources.add.url': 'Địa chỉ RSS (http:// hoặc https://)',
  'sources.add.submit': 'Thêm nguồn',

  'health.ok': 'Hoạt động tốt',
  'health.failing': 'Lỗi {count} lần liên tiếp',
  'health.never': 'Chưa lấy tin lần nào',
  'health.disabled': 'Đã tắt',

  'flash.refreshOk':
    'Đã lấy tin: {fetched} mục, lưu {stored} mục mới, bỏ qua {skipped}, lỗi {failed}.',
  'flash.refreshNotModified': 'Nguồn không có gì mới kể từ lần lấy trước.',
  'flash.refreshError': 'Lấy tin thất bại: {error}',
  'flash.created': 'Đã thêm nguồn “{name}”.',
  'flash.error': 'Không thực hiện được: {error}',

  'fetchError.bad_url': 'Địa chỉ không hợp lệ',
  'fetchError.bad_scheme': 'Chỉ cho phép địa chỉ http:// hoặc https://',
  'fetchError.blocked_address': 'Địa chỉ bị chặn (mạng nội bộ)',
  'fetchError.dns_failed': 'Không phân giải được tên miền',
  'fetchError.timeout': 'Quá thời gian chờ',
  'fetchError.too_large': 'Dữ liệu quá lớn',
  'fetchError.too_many_redirects': 'Chuyển hướng quá nhiều lần',
  'fetchError.http_status': 'Máy chủ trả về mã lỗi HTTP',
  'fetchError.network': 'Lỗi mạng',
  'fetchError.not_a_feed': 'Không phải nguồn RSS/Atom',
  'fetchError.malformed_feed': 'Nguồn RSS/Atom bị lỗi định dạng',
  'fetchError.decode_failed': 'Không giải mã được bảng mã ký tự',
  'fetchError.unknown': 'Lỗi không xác định ({code})',

  'apiError.unauthorized': 'Bạn cần đăng nhập.',
  'apiError.forbidden': 'Bạn không có quyền thực hiện thao tác này.',
  'apiError.not_found': 'Không tìm thấy trang hoặc dữ liệu yêu cầu.',
  'apiError.validation_failed': 'Dữ liệu nhập không hợp lệ.',
  'apiError.conflict': 'Dữ liệu đã bị người khác thay đổi. Hãy tải lại trang và thử lại.',
  'apiError.invalid_credentials': 'Tên đăng nhập hoặc mật khẩu không đúng.',
  'apiError.csrf_failed': 'Yêu cầu không hợp lệ (kiểm tra CSRF). Hãy tải lại trang và thử lại.',
  'apiError.rate_limited': 'Bạn thao tác quá nhanh. Hãy đợi một lát rồi thử lại.',
  'apiError.internal': 'Đã xảy ra lỗi hệ thống. Hãy thử lại sau.',
  'apiError.payload_too_large': 'Dữ liệu gửi lên quá lớn.',

  'error.title': 'Lỗi {status}',
  'error.backToQueue': 'Về hàng đợi',
  'error.toLogin': 'Đến trang đăng nhập',
} as const;

/** A key of the message catalogue. */
export type MessageKey = keyof typeof VI;

const EN: Record<MessageKey, string> = {
  'app.name': 'Education public opinion',
  'app.skipToContent': 'Skip to main content',

  'nav.items': 'Queue',
  'nav.sources': 'Sources',
  'nav.signedInAs': 'Signed in as {name}',
  'nav.logout': 'Log out',
  'nav.main': 'Main navigation',
  'lang.switch': 'Tiếng Việt',
  'lang.switchLabel': 'Switch to Vietnamese',

  'role.admin': 'Administrator',
  'role.staff': 'Communication staff',
  'role.leader': 'Leadership',
  'role.mttq': 'Fatherland Front',

  'common.none': '—',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.any': 'Any',

  'login.title': 'Sign in',
  'login.intro': 'Sign in to see the queue of items to handle.',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',

  'items.title': 'Triage queue',
  'items.filters': 'Filters',
  'items.filter.status': 'Status',
  'items.filter.label': 'Label',
  'items.filter.source': 'Source',
  'items.filter.q': 'Search',
  'items.filter.qPlaceholder': 'Search title and body (with or without diacritics)',
  'items.filter.from': 'From',
  'items.filter.to': 'To',
  'items.filter.order': 'Order',
  'items.filter.apply': 'Filter',
  'items.filter.reset': 'Clear filters',
  'items.order.priority': 'Highest priority first',
  'items.order.newest': 'Newest first',
  'items.col.labels': 'Labels',
  'items.col.title': 'Title',
  'items.col.source': 'Source',
  'items.col.time': 'Time',
  'items.col.status': 'Status',
  'items.col.why': 'Why flagged',
  'items.published': 'Published: {date}',
  'items.collected': 'Collected: {date}',
  'items.noTitle': '(untitled)',
  'items.noLabels': 'No labels',
  'items.noReasons': 'No words matched',
  'items.moreReasons': '+{count} more',
  'items.empty': 'No items match these filters.',
  'items.next': 'Next page',
  'items.keyboardHint': 'Shortcuts: j / k to move between rows, Enter to open.',

  'item.back': 'Back to the queue',
  'item.body': 'Body',
  'item.emptyBody': '(no body text)',
  'item.details': 'Details',
  'item.labels': 'Labels',
  'item.scores': 'Scores',
  'item.source': 'Source',
  'item.author': 'Author',
  'item.originalLink': 'Original link',
  'item.unsafeLink': '(unsafe link, shown as text only)',
  'item.status': 'Status',
  'item.verdict': 'Verdict',
  'item.dismissReason': 'Dismiss reason',
  'item.published': 'Published',
  'item.collected': 'Collected',
  'item.priority': 'Priority',
  'item.classifierVersion': 'Classifier version',
  'item.notClassified': 'Not classified yet.',
  'item.why': 'Why flagged',
  'item.events': 'Audit trail',
  'item.eventsEmpty': 'No changes yet.',
  'item.eventLine': '{who} changed {field}: {from} → {to}',
  'item.eventField.status': 'status',
  'item.flash.saved': 'Changes saved.',
  'item.flash.conflict': 'Someone else changed this item just now. The page shows the latest version; check it and try again.',
  'item.whyEmpty': 'No words matched.',
  'item.inTitle': 'in title',
  'item.inBody': 'in body',
  'item.actions': 'Triage',
  'item.action.in_review': 'In review',
  'item.action.responded': 'Responded',
  'item.action.escalated': 'Escalate',
  'item.action.dismissed': 'Dismiss',
  'item.confirmDismiss': 'Dismiss this item?',
  'item.noActions': 'No actions are available in the current status.',

  'status.open': 'Open (new, in review)',
  'status.all': 'All',
  'status.new': 'New',
  'status.in_review': 'In review',
  'status.responded': 'Responded',
  'status.escalated': 'Escalated',
  'status.dismissed': 'Dismissed',

  'verdict.fake': 'Fake news',
  'verdict.false': 'False information',
  'verdict.verified': 'Verified',
  'verdict.unverified': 'Unverified',

  'dismissReason.not_relevant': 'Not relevant',
  'dismissReason.false_positive': 'False positive',
  'dismissReason.duplicate': 'Duplicate',

  'label.negative': 'Negative',
  'label.misinformation': 'Possible misinformation',
  'label.relevant': 'Education/ward related',

  'category.negative': 'Negative wording',
  'category.misinformation': 'Misinformation signal',
  'category.relevant': 'Education/ward topic',

  'sourceKind.rss': 'RSS',
  'sourceKind.html': 'Web page',
  'sourceKind.form': 'Form',
  'sourceKind.import': 'File import',

  'sources.title': 'Sources',
  'sources.col.kind': 'Kind',
  'sources.col.name': 'Name',
  'sources.col.url': 'Address',
  'sources.col.enabled': 'Enabled',
  'sources.col.health': 'Health',
  'sources.col.lastSuccess': 'Last success',
  'sources.col.lastError': 'Last error',
  'sources.col.nextTry': 'Next try',
  'sources.col.actions': 'Actions',
  'sources.fetchNow': 'Fetch now',
  'sources.empty': 'No sources yet.',
  'sources.add.heading': 'Add an RSS source',
  'sources.add.name': 'Source name',
  'sources.add.url': 'RSS address (http:// or https://)',
  'sources.add.submit': 'Add source',

  'health.ok': 'Healthy',
  'health.failing': 'Failed {count} times in a row',
  'health.never': 'Never fetched',
  'health.disabled': 'Disabled',

  'flash.refreshOk':
    'Fetched {fetched} entries, stored {stored} new, skipped {skipped}, {failed} failed.',
  'flash.refreshNotModified': 'Nothing new since the last fetch.',
  'flash.refreshError': 'Fetch failed: {error}',
  'flash.created': 'Added source “{name}”.',
  'flash.error': 'Could not complete the action: {error}',

  'fetchError.bad_url': 'Invalid address',
  'fetchError.bad_scheme': 'Only http:// or https:// addresses are allowed',
  'fetchError.blocked_address': 'Blocked address (private network)',
  'fetchError.dns_failed': 'Could not resolve the domain name',
  'fetchError.timeout': 'Timed out',
  'fetchError.too_large': 'Response too large',
  'fetchError.too_many_redirects': 'Too many redirects',
  'fetchError.http_status': 'The server returned an HTTP error status',
  'fetchError.network': 'Network error',
  'fetchError.not_a_feed': 'Not an RSS/Atom feed',
  'fetchError.malformed_feed': 'Malformed RSS/Atom feed',
  'fetchError.decode_failed': 'Could not decode the character encoding',
  'fetchError.unknown': 'Unknown error ({code})',

  'apiError.unauthorized': 'You need to sign in.',
  'apiError.forbidden': 'You are not allowed to do this.',
  'apiError.not_found': 'The page or record was not found.',
  'apiError.validation_failed': 'The submitted data is not valid.',
  'apiError.conflict': 'Someone else changed this record. Reload the page and try again.',
  'apiError.invalid_credentials': 'Wrong username or password.',
  'apiError.csrf_failed': 'The request was rejected (CSRF check). Reload the page and try again.',
  'apiError.rate_limited': 'Too many attempts. Wait a moment and try again.',
  'apiError.internal': 'Something went wrong on our side. Try again later.',
  'apiError.payload_too_large': 'The request body is too large.',

  'error.title': 'Error {status}',
  'error.backToQueue': 'Back to the queue',
  'error.toLogin': 'Go to sign in',
};

/** The catalogue: for each locale, every message key mapped to its text. */
export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { vi: VI, en: EN };

/** Returns true when `key` is a key of the catalogue (for codes that arrive as plain strings). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(VI, key);
}

/** Returns true when `value` names a supported locale. */
export function isLocale(value: unknown): value is Locale {
  return value === 'vi' || value === 'en';
}

/** Returns the message for `key` in `locale`, with each `{name}` replaced by `params[name]`. */
export function t(
  locale: Locale,
  key: MessageKey,
  params?: Readonly<Record<string, string | number>>,
): string {
  const template = MESSAGES[locale][key] ?? MESSAGES.vi[key] ?? key;
  if (!params) return template;
  // A single pass, so a parameter value that itself contains `{x}` is never expanded again.
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The time zone every date on the dashboard is shown in. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

// Built once: constructing Intl formatters is slow. Parts are assembled by hand so the output is
// `dd/MM/yyyy HH:mm` in every locale (the design asks for that format in both languages).
const DATE_TIME_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Returns `date` as `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh, or `—` when there is no valid date. */
export function formatDate(date: Date | null | undefined, locale: Locale): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return t(locale, 'common.none');
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of DATE_TIME_PARTS.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Returns the translated text for a collector error code, falling back to the raw code. */
export function fetchErrorText(locale: Locale, code: string): string {
  const key = `fetchError.${code}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'fetchError.unknown', { code });
}

/** Returns the translated text for an API error code, falling back to `internal`. */
export function apiErrorText(locale: Locale, code: string): string {
  const key = `apiError.${code}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'apiError.internal');
}
