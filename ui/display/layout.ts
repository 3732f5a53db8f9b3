// How many columns and rows of tiles: two lanes side by side, up to eight in at most 4 × 2.
export interface GridShape {
  columns: number;
  rows: number;
}

export function gridShape(laneCount: number): GridShape {
  if (laneCount <= 1) return { columns: 1, rows: 1 };
  if (laneCount <= 3) return { columns: laneCount, rows: 1 };
  if (laneCount === 4) return { columns: 2, rows: 2 };
  if (laneCount <= 8) return { columns: Math.ceil(laneCount / 2), rows: 2 };
  // More lanes than one screen is meant for: keep every tile, in 4 columns.
  return { columns: 4, rows: Math.ceil(laneCount / 4) };
}
