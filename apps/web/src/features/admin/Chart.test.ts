import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { renderStatic, testQueryClient } from '../billing/test-render';
import { Chart } from './Chart';

const points = [
  { date: '2026-11-22', value: 0 },
  { date: '2026-11-23', value: 4 },
  { date: '2026-11-24', value: 7 },
];

describe('Chart', () => {
  const html = renderStatic(
    createElement(Chart, {
      kind: 'bar',
      title: 'Messages',
      description: 'Texts per day.',
      valueLabel: 'Messages',
      points,
    }),
    testQueryClient(),
  );

  it('is one labelled image, with a title and a description saying what it shows', () => {
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+-title [^"]+-desc"/);
    expect(html).toContain('<title id=');
    expect(html).toContain('Texts per day. 11 over 3 days, 7 today.');
  });

  it('draws one bar per day, today marked, on a scale rounded up to 10', () => {
    expect(html.match(/class="chart__bar( chart__bar--today)?"/g)).toHaveLength(3);
    expect(html).toMatch(/class="chart__bar chart__bar--today"[^>]*data-date="2026-11-24" data-value="7"/);
    expect(html).toContain('>10</text>');
  });

  it('names both axes', () => {
    expect(html).toContain('Day (UTC)');
    expect(html).toMatch(/class="chart__axis-label"[^>]*>Messages</);
  });

  it('puts the numbers in a table for screen readers, a row per day', () => {
    expect(html).toContain('<caption>Messages, per day</caption>');
    expect(html).toContain('<th scope="row">Nov 24</th><td>7</td>');
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(3);
  });
});
