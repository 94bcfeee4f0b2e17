// Edit distance for "did you mean" suggestions.

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up with
 * `max + 1` as soon as the distance must exceed `max`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  if (rowsBuffer.length < cols * 3) rowsBuffer = new Int32Array(cols * 3 * 2);
  // Three rolling rows in one reused buffer: two rows back, the previous row, the current row.
  let prev2 = 0;
  let prev = cols;
  let cur = cols * 2;
  const r = rowsBuffer;
  for (let j = 0; j < cols; j++) r[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    r[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(r[prev + j]! + 1, r[cur + j - 1]! + 1, r[prev + j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, r[prev2 + j - 2]! + 1);
      r[cur + j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return r[prev + cols - 1]!;
}

let rowsBuffer = new Int32Array(256);

/** How many edits still count as a typo of a word this long: none for 1-2 letters, 1 up to 5, else 2. */
export function typoBudget(length: number): number {
  if (length <= 2) return 0;
  return length <= 5 ? 1 : 2;
}

/** The candidate nearest to `word` within its typo budget (a typed prefix of 4+ letters counts too). */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const budget = typoBudget(word.length);
  let best: string | undefined;
  let bestD = budget + 1;
  for (const c of candidates) {
    const d = word.length >= 4 && c.startsWith(word) ? 0.5 : editDistance(word, c, budget);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
