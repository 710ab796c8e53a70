import { describe, expect, it } from 'vitest';
import { barGeometry, labelledIndexes, niceMax, ticks, yOf, type ChartLayout } from './chart-scale';

const layout: ChartLayout = { width: 140, height: 120, left: 20, right: 20, top: 10, bottom: 10 };

describe('niceMax', () => {
  it('rounds the largest value up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(12)).toBe(20);
    expect(niceMax(200)).toBe(200);
    expect(niceMax(201)).toBe(500);
  });

  it('gives an all-zero series a scale instead of dividing by zero', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
  });
});

describe('ticks', () => {
  it('spaces whole-number gridlines evenly from 0 to the top, on round steps', () => {
    expect(ticks(1)).toEqual([0, 1]);
    expect(ticks(2)).toEqual([0, 1, 2]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(200)).toEqual([0, 50, 100, 150, 200]);
    expect(ticks(500)).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('draws gridlines for every top niceMax gives', () => {
    for (const max of [0, 1, 3, 7, 12, 45, 99, 101, 999, 1234]) {
      const values = ticks(niceMax(max));
      expect(values[0]).toBe(0);
      expect(values[values.length - 1]).toBe(niceMax(max));
      expect(values.every(Number.isInteger)).toBe(true);
    }
  });
});

describe('barGeometry and yOf', () => {
  it('draws a full bar to the top of the plot and an empty one flat on the axis', () => {
    const full = barGeometry(10, 0, 2, 10, layout);
    expect(full.y).toBe(10);
    expect(full.height).toBe(100);
    const empty = barGeometry(0, 1, 2, 10, layout);
    expect(empty.height).toBe(0);
    expect(empty.y).toBe(110);
  });

  it('gives each bar its own slot, left to right, centred', () => {
    const first = barGeometry(5, 0, 2, 10, layout);
    const second = barGeometry(5, 1, 2, 10, layout);
    expect(first.height).toBe(50);
    expect(first.width).toBeCloseTo(35);
    expect(first.x).toBeCloseTo(20 + 7.5);
    expect(second.x).toBeCloseTo(20 + 50 + 7.5);
  });

  it('never draws a negative bar', () => {
    expect(barGeometry(-3, 0, 1, 10, layout).height).toBe(0);
  });

  it('maps values on the same axis as the bars', () => {
    expect(yOf(0, 10, layout)).toBe(110);
    expect(yOf(10, 10, layout)).toBe(10);
    expect(yOf(5, 10, layout)).toBe(60);
  });
});

describe('labelledIndexes', () => {
  it('always labels today (the last day) and spaces the others evenly', () => {
    expect([...labelledIndexes(30, 6)].sort((a, b) => a - b)).toEqual([4, 9, 14, 19, 24, 29]);
    expect([...labelledIndexes(3, 6)].sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });
});
