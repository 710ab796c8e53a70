import { useId } from 'react';
import { useI18n } from '../../shared/i18n/i18n';
import { barGeometry, labelledIndexes, niceMax, ticks, yOf, type ChartLayout } from './chart-scale';
import { formatCount, formatDay } from './format';

export interface ChartPoint {
  /** A UTC date, YYYY-MM-DD. */
  date: string;
  value: number;
}

const LAYOUT: ChartLayout = { width: 640, height: 240, left: 44, right: 12, top: 24, bottom: 40 };

/**
 * A per-day series drawn in SVG, bars or a line. The picture is one labelled image
 * (title and summary); the numbers themselves are in a table screen readers can browse.
 */
export function Chart({
  title,
  description,
  valueLabel,
  kind,
  points,
}: {
  title: string;
  description: string;
  /** What the values count ("Messages"): the value axis's label and the table's column. */
  valueLabel: string;
  kind: 'bar' | 'line';
  points: ChartPoint[];
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const max = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const gridlines = ticks(max);
  const labelled = labelledIndexes(points.length, 6);
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const last = points[points.length - 1];
  const summary = t('admin.charts.summary', {
    total: formatCount(total, locale),
    days: points.length,
    today: formatCount(last?.value ?? 0, locale),
  });
  const plotBottom = LAYOUT.height - LAYOUT.bottom;
  const centreOf = (index: number) => {
    const bar = barGeometry(0, index, points.length, max, LAYOUT);
    return bar.x + bar.width / 2;
  };

  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption className="chart__caption" id={`${id}-caption`}>
        <span className="chart__title">{title}</span>
        <span className="chart__summary">{summary}</span>
      </figcaption>
      <svg
        className={`chart__svg chart__svg--${kind}`}
        viewBox={`0 0 ${LAYOUT.width} ${LAYOUT.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {description} {summary}
        </desc>
        {gridlines.map((value) => (
          <g key={value} className="chart__grid">
            <line
              x1={LAYOUT.left}
              x2={LAYOUT.width - LAYOUT.right}
              y1={yOf(value, max, LAYOUT)}
              y2={yOf(value, max, LAYOUT)}
            />
            <text x={LAYOUT.left - 6} y={yOf(value, max, LAYOUT)} dy="0.32em" textAnchor="end">
              {formatCount(value, locale)}
            </text>
          </g>
        ))}
        <text
          className="chart__axis-label"
          transform={`translate(12 ${LAYOUT.top + (plotBottom - LAYOUT.top) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {valueLabel}
        </text>
        {kind === 'bar' ? (
          points.map((point, index) => {
            const bar = barGeometry(point.value, index, points.length, max, LAYOUT);
            return (
              <rect
                key={point.date}
                className={index === points.length - 1 ? 'chart__bar chart__bar--today' : 'chart__bar'}
                x={bar.x}
                y={bar.y}
                width={bar.width}
                height={bar.height}
                rx={Math.min(3, bar.width / 3)}
                data-date={point.date}
                data-value={point.value}
              >
                <title>{`${formatDay(point.date, locale)}: ${formatCount(point.value, locale)}`}</title>
              </rect>
            );
          })
        ) : (
          <>
            <polyline
              className="chart__line"
              points={points.map((point, index) => `${centreOf(index)},${yOf(point.value, max, LAYOUT)}`).join(' ')}
            />
            {points.map((point, index) => (
              <circle
                key={point.date}
                className={index === points.length - 1 ? 'chart__dot chart__dot--today' : 'chart__dot'}
                cx={centreOf(index)}
                cy={yOf(point.value, max, LAYOUT)}
                r={index === points.length - 1 ? 4 : 2.5}
                data-date={point.date}
                data-value={point.value}
              >
                <title>{`${formatDay(point.date, locale)}: ${formatCount(point.value, locale)}`}</title>
              </circle>
            ))}
          </>
        )}
        {last && (
          <text
            className="chart__today"
            x={centreOf(points.length - 1)}
            y={yOf(last.value, max, LAYOUT) - 8}
            textAnchor="end"
          >
            {formatCount(last.value, locale)}
          </text>
        )}
        <line
          className="chart__axis"
          x1={LAYOUT.left}
          x2={LAYOUT.width - LAYOUT.right}
          y1={plotBottom}
          y2={plotBottom}
        />
        {points.map((point, index) =>
          labelled.has(index) ? (
            <text key={point.date} className="chart__tick" x={centreOf(index)} y={plotBottom + 16} textAnchor="middle">
              {formatDay(point.date, locale)}
            </text>
          ) : null,
        )}
        <text
          className="chart__axis-label"
          x={LAYOUT.left + (LAYOUT.width - LAYOUT.left - LAYOUT.right) / 2}
          y={LAYOUT.height - 4}
          textAnchor="middle"
        >
          {t('admin.charts.dayAxis')}
        </text>
      </svg>
      <table className="visually-hidden">
        <caption>{t('admin.charts.tableCaption', { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.charts.day')}</th>
            <th scope="col">{valueLabel}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((point) => (
            <tr key={point.date}>
              <th scope="row">{formatDay(point.date, locale)}</th>
              <td>{formatCount(point.value, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
