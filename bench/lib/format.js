// Text output shared by the scenarios: number formats and a plain-text table.

/** 3 significant digits with a k/M/G suffix: 8.41 M, 812 k, 18.2 k, 953. */
export function rate(x) {
  if (!Number.isFinite(x)) return '-';
  const units = [
    [1e9, ' G'],
    [1e6, ' M'],
    [1e3, ' k'],
  ];
  for (const [size, suffix] of units) if (Math.abs(x) >= size) return sig3(x / size) + suffix;
  return sig3(x);
}

/** 3 significant digits, no exponent. */
export function sig3(x) {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 3));
}

/** A summary's spread as `[min-max]`, each number formatted by `fmt`. */
export function spread(s, fmt = sig3) {
  return `[${fmt(s.min)}-${fmt(s.max)}]`;
}

/** A ratio such as 0.52x, 12.3x or 1.58 Mx; '-' when missing. */
export function times(r) {
  return r > 0 && Number.isFinite(r) ? rate(r) + 'x' : '-';
}

/** A byte count: 20 B, 4.24 kB, 1.05 MB (decimal units, as MB/s). */
export function bytes(n) {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return sig3(n / 1e6) + ' MB';
  if (n >= 1e3) return sig3(n / 1e3) + ' kB';
  return `${n} B`;
}

/**
 * Renders rows as an aligned text table.
 * @param {{key: string, title: string, align?: 'left'|'right'}[]} columns
 * @param {(Record<string, string>|null)[]} rows  `null` is a blank line between groups
 */
export function table(columns, rows) {
  const widths = columns.map((c) =>
    Math.max(c.title.length, ...rows.filter(Boolean).map((r) => String(r[c.key] ?? '').length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) out.push(row ? line(columns.map((c) => String(row[c.key] ?? ''))) : '');
  return out.join('\n');
}
