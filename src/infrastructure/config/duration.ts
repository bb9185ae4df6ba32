const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "900", "900s", "15m", "12h", "7d" → seconds; null when it is not one of those forms. */
export function parseDurationSeconds(raw: string): number | null {
  const value = raw.trim();
  if (value.length === 0 || value.length > 12) return null;
  const last = value.at(-1) ?? '';
  const unit = last in UNIT_SECONDS ? last : 's';
  const digits = unit === last && !/\d/.test(last) ? value.slice(0, -1) : value;
  if (!/^\d+$/.test(digits)) return null;
  const seconds = Number(digits) * (UNIT_SECONDS[unit] ?? 1);
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}
