/**
 * The top of a chart's value axis: the smallest "nice" number (1, 2, 5 × 10^n) at or
 * above the largest value, so gridlines fall on round numbers; 1 for an all-zero series.
 */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

const isNice = (step: number): boolean => {
  const magnitude = 10 ** Math.floor(Math.log10(step));
  return [1, 2, 5].includes(step / magnitude);
};

/**
 * Gridline values from 0 to `top` (a niceMax) in equal whole steps of 1, 2 or 5 × 10^n,
 * five intervals when they fall on such steps, else fewer; counts are never fractional.
 */
export function ticks(top: number): number[] {
  const intervals = [5, 4, 2, 1].find((n) => Number.isInteger(top / n) && isNice(top / n)) ?? 1;
  const step = top / intervals;
  return Array.from({ length: intervals + 1 }, (_, index) => index * step);
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Room for the value labels at the left and the day labels under the plot. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

/** Where the i-th of n bars sits and how tall it is, inside the plot area of `layout`, for a value axis up to `max`. */
export function barGeometry(value: number, index: number, count: number, max: number, layout: ChartLayout) {
  const plotWidth = layout.width - layout.left - layout.right;
  const plotHeight = layout.height - layout.top - layout.bottom;
  const slot = plotWidth / Math.max(1, count);
  const width = Math.max(1, slot * 0.7);
  const height = max > 0 ? (Math.max(0, value) / max) * plotHeight : 0;
  return {
    x: layout.left + index * slot + (slot - width) / 2,
    y: layout.top + plotHeight - height,
    width,
    height,
  };
}

/** The y coordinate of `value` on a value axis up to `max`. */
export function yOf(value: number, max: number, layout: ChartLayout): number {
  const plotHeight = layout.height - layout.top - layout.bottom;
  return layout.top + plotHeight - (max > 0 ? (value / max) * plotHeight : 0);
}

/** Which of `count` day labels to print so they do not overlap: every n-th, always the last (today). */
export function labelledIndexes(count: number, maxLabels: number): Set<number> {
  const every = Math.max(1, Math.ceil(count / Math.max(1, maxLabels)));
  const picked = new Set<number>();
  for (let index = count - 1; index >= 0; index -= every) picked.add(index);
  return picked;
}
