/** Figures of the new-analysis screen as people read them: ranges, dollars, durations, prices. */
export interface Range {
  low: number;
  high: number;
}

const count = new Intl.NumberFormat('en-US');
// Single calls cost fractions of a cent: significant digits keep them readable instead of rounding to $0.00.
const smallUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });

export function formatCount(value: number): string {
  return count.format(value);
}

export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  return value < 1 ? smallUsd.format(value) : usd.format(value);
}

export function formatRange({ low, high }: Range, format: (value: number) => string = formatCount): string {
  return low === high ? format(low) : `${format(low)}–${format(high)}`;
}

/** Seconds under two minutes, minutes above. */
export function formatDuration({ low, high }: Range): string {
  if (high < 120) return `${formatRange({ low: Math.round(low), high: Math.round(high) })} s`;
  const minutes = (s: number) => Math.round((s / 60) * 10) / 10;
  return `${formatRange({ low: minutes(low), high: minutes(high) })} min`;
}

/** A catalog price, USD per million input and output tokens. */
export function formatPrice(price: { inputPerMTok: number; outputPerMTok: number }): string {
  return `$${price.inputPerMTok} in / $${price.outputPerMTok} out per 1M tokens`;
}
