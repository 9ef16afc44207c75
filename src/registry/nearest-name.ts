/**
 * The known name nearest a mistyped one (`zooom` → `zoom`), for "did you
 * mean" hints. Optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of neighbours each cost one.
 */

/** Edits between `a` and `b`, counting a swap of two neighbouring characters as one. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The name in `names` fewest edits from `word` (case aside), when
 * it is close enough to be a typo: at most two edits, and fewer than half the
 * word's length (so `xy` suggests nothing). Null otherwise.
 */
export function nearestName(word: string, names: readonly string[]): string | null {
  const typed = word.trim().toLowerCase();
  if (typed === '') return null;
  let best: { name: string; distance: number } | null = null;
  for (const name of names) {
    // Long names cannot be within two edits of a much shorter or longer word.
    if (Math.abs(name.length - typed.length) > 2) continue;
    const distance = editDistance(typed, name.toLowerCase());
    if (best === null || distance < best.distance) best = { name, distance };
  }
  if (best === null || best.distance > 2 || best.distance * 2 >= typed.length) return null;
  return best.name;
}
