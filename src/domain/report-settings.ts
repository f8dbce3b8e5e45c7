// What the official weekly report needs beyond the figures: who issues it, where, to whom, who signs.

/** The setting key the report details are stored under. */
export const REPORT_SETTING = 'report';

/** The issuing body, place, recipients and signature block of the official report. */
export interface ReportSettings {
  /** The ward's name as written after "Phường", e.g. "Bến Thành". */
  wardName: string;
  /** The place written before the date, e.g. "Bến Thành". */
  place: string;
  /** The "Nơi nhận" list, one recipient a line. */
  recipients: string[];
  /** e.g. "CHỦ TỊCH" or "PHÓ CHỦ TỊCH". */
  signerTitle: string;
  signerName: string;
}

// Dots are what an official form leaves to be filled in by hand.
const BLANK = '……………';

/** The details used until an administrator sets them: blanks to fill in, the archive copy as the only recipient. */
export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  wardName: BLANK,
  place: BLANK,
  recipients: ['Lưu: VT'],
  signerTitle: 'CHỦ TỊCH',
  signerName: '',
};

/** Returns the stored details completed with the defaults (a partial or old value never breaks a report). */
export function withDefaultReportSettings(value: unknown): ReportSettings {
  const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const text = (key: 'wardName' | 'place' | 'signerTitle' | 'signerName') => {
    const found = stored[key];
    return typeof found === 'string' && (found.trim() !== '' || key === 'signerName') ? found : DEFAULT_REPORT_SETTINGS[key];
  };
  const recipients = Array.isArray(stored.recipients) && stored.recipients.every((entry) => typeof entry === 'string')
    ? (stored.recipients as string[])
    : DEFAULT_REPORT_SETTINGS.recipients;
  return { wardName: text('wardName'), place: text('place'), recipients, signerTitle: text('signerTitle'), signerName: text('signerName') };
}
