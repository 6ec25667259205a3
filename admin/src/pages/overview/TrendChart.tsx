import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useTheme } from 'styled-components';
import { useT } from '../../hooks/useT';

interface Point {
  date: string;
  given: number;
  withdrawn: number;
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };

// The theme's colours, with its default values while no theme is loaded.
const SERIES = [
  {
    key: 'given',
    label: 'overview.trend.given',
    color: 'success600',
    fallback: '#328048',
    dash: undefined,
  },
  {
    key: 'withdrawn',
    label: 'overview.trend.withdrawn',
    color: 'danger600',
    fallback: '#d02b20',
    dash: '5 3',
  },
] as const;

/** Consents given and withdrawn per day, as two lines in a small SVG (no chart library). */
export const TrendChart = ({ points }: { points: Point[] }) => {
  const t = useT();
  const { formatDate } = useIntl();
  const theme = useTheme() as unknown as { colors: Record<string, string> };
  const max = Math.max(1, ...points.map((p) => Math.max(p.given, p.withdrawn)));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left + (points.length <= 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const line = (key: 'given' | 'withdrawn') =>
    points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`)
      .join(' ');
  const ticks = [0, Math.round(max / 2), max].filter((v, i, all) => all.indexOf(v) === i);
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const series = SERIES.map((s) => ({ ...s, stroke: theme.colors[s.color] ?? s.fallback }));
  const grid = theme.colors.neutral200 ?? '#dcdce4';
  const text = theme.colors.neutral600 ?? '#666687';
  const totals = points.reduce(
    (acc, p) => ({ given: acc.given + p.given, withdrawn: acc.withdrawn + p.withdrawn }),
    { given: 0, withdrawn: 0 }
  );

  return (
    <Box>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={t('overview.trend.aria', {
          given: totals.given,
          withdrawn: totals.withdrawn,
          days: points.length,
        })}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(v)}
              y2={y(v)}
              stroke={grid}
              strokeWidth={1}
            />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" fontSize={11} fill={text}>
              {v}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          (i % labelEvery === 0 && points.length - 1 - i >= labelEvery / 2) ||
          i === points.length - 1 ? (
            <text
              key={p.date}
              x={x(i)}
              y={HEIGHT - 8}
              textAnchor={
                i === points.length - 1 && points.length > 1
                  ? 'end'
                  : i === 0 && points.length > 1
                    ? 'start'
                    : 'middle'
              }
              fontSize={11}
              fill={text}
            >
              {formatDate(new Date(p.date), { day: 'numeric', month: 'short' })}
            </text>
          ) : null
        )}
        {points.length > 0 && (
          <>
            {series.map((s) => (
              <path
                key={s.key}
                d={line(s.key)}
                fill="none"
                stroke={s.stroke}
                strokeWidth={2}
                strokeDasharray={s.dash}
              />
            ))}
            {points.map((p, i) => (
              <g key={`pt-${p.date}`}>
                {series.map((s) => (
                  <circle key={s.key} cx={x(i)} cy={y(p[s.key])} r={2.5} fill={s.stroke}>
                    <title>{`${p.date}: ${t(s.label)} ${p[s.key]}`}</title>
                  </circle>
                ))}
              </g>
            ))}
          </>
        )}
      </svg>
      <Flex gap={4} paddingTop={2}>
        {series.map((s) => (
          <Flex key={s.key} gap={2}>
            <Box width="1.2rem" height="0.3rem" background={s.color} />
            <Typography variant="pi">
              {t('overview.trend.legend', { label: t(s.label), count: totals[s.key] })}
            </Typography>
          </Flex>
        ))}
      </Flex>
      <Typography variant="pi" textColor="neutral600" data-testid="trend-note">
        {t('overview.trend.note')}
      </Typography>
    </Box>
  );
};
