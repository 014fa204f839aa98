/**
 * Aligned columns as Go's tabwriter draws them: each cell padded to its column's widest cell plus `gap` spaces,
 * the last column unpadded. Cells are `[plain, painted]` pairs so widths ignore colour codes.
 */
export type Cell = string | readonly [plain: string, painted: string];

export function formatTable(rows: readonly (readonly Cell[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(plainOf(cell)));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const plain = plainOf(cell);
        const painted = typeof cell === 'string' ? cell : cell[1];
        if (i === row.length - 1) return painted;
        return painted + ' '.repeat((widths[i] ?? 0) - width(plain) + gap);
      })
      .join('')
      .trimEnd(),
  );
}

function plainOf(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell[0];
}

/** Terminal columns of a string: code points (the icons used here are all one column wide). */
export function width(text: string): number {
  return Array.from(text).length;
}
