/**
 * A minimal RFC 4180 writer. No CSV library is installed, and writing is the easy half of CSV: a field is quoted
 * when it holds a quote, a comma, CR or LF (or starts or ends with a space, which some readers trim), quotes inside
 * are doubled, and records end with CRLF.
 */
export type CsvValue = string | number | null;

const NEEDS_QUOTES = /["\r\n,]|^\s|\s$/;

export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? plainNumber(value) : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A header row and the rows, every record ending in CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map(csvRecord).join('');
}

/** Decimal notation, never an exponent (1e-7 → 0.0000001): the shortest digits that read back as the same number. */
function plainNumber(value: number): string {
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}
