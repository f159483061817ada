/**
 * Server-rendered SVG charts of a result (R70): bars for counts by category, a line for monthly
 * series, a funnel for follow-up stages. Each is drawn from a table AFTER small-count suppression,
 * so a hidden count is never drawn (its bar is absent and labelled "< 5"). Accessible: the SVG is an
 * image named by its <title> and described by its <desc>, and the figure holds the same figures as
 * a <table> beside it. No script, printable.
 */
import type { ComponentChildren } from 'preact';
import type { ChartSpec } from './observatory.request.js';
import { SUPPRESSED, type Cell, type ResultTable } from './observatory.rules.js';

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
/** Colours with at least 3:1 contrast on white (WCAG 1.4.11); series are also told apart by their marker. */
const SERIES_COLOURS = ['#1f4e8c', '#b34700', '#2e6b30', '#6a1b9a', '#00695c', '#7a5c00', '#4a4a4a'];
const MARKERS = ['circle', 'square', 'diamond', 'triangle', 'circle', 'square', 'diamond'] as const;

const show = (v: Cell) => (v === null ? '–' : typeof v === 'number' ? number.format(v) : v);
const column = (table: ResultTable, key: string) => table.columns.findIndex((c) => c.key === key);
const monthLabel = (value: string) => {
  const [y, m] = value.split('-');
  return `${m}/${y}`;
};

/** Where each bar of a bars chart goes: the value's share of the largest value shown. */
export function barLengths(values: Cell[], max: number): (number | null)[] {
  const top = Math.max(0, ...values.map((v) => (typeof v === 'number' ? v : 0)));
  return values.map((v) => (typeof v === 'number' ? (top === 0 ? 0 : (v / top) * max) : null));
}

function Svg(props: { id: string; title: string; description: string; width: number; height: number; children: ComponentChildren }) {
  return (
    <svg
      class="chart__svg"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      viewBox={`0 0 ${props.width} ${props.height}`}
      width={props.width}
      height={props.height}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {props.children}
    </svg>
  );
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function Bars({ id, spec, table }: { id: string; spec: Extract<ChartSpec, { kind: 'bars' | 'funnel' }>; table: ResultTable }) {
  const li = column(table, spec.label);
  const vi = column(table, spec.value);
  const rows = table.rows.slice(0, 40);
  const labelWidth = 260;
  const plot = 360;
  const rowHeight = 26;
  const width = labelWidth + plot + 70;
  const height = rows.length * rowHeight + 10;
  const lengths = barLengths(rows.map((r) => r[vi] ?? null), plot);
  const funnel = spec.kind === 'funnel';
  return (
    <Svg id={id} title={spec.title} description={spec.description} width={width} height={height}>
      {rows.map((row, i) => {
        const y = 5 + i * rowHeight;
        const length = lengths[i];
        const x = funnel && length !== null && length !== undefined ? labelWidth + (plot - length) / 2 : labelWidth;
        return (
          <g>
            <text x={labelWidth - 8} y={y + 17} text-anchor="end" class="chart__label">
              {truncate(String(row[li] ?? ''), 38)}
            </text>
            {length !== null && length !== undefined ? <rect x={x} y={y + 3} width={Math.max(length, 1)} height={rowHeight - 8} fill={SERIES_COLOURS[0]} /> : null}
            <text x={funnel ? labelWidth + plot + 6 : labelWidth + (length ?? 0) + 6} y={y + 17} class="chart__value">
              {show(row[vi] ?? null)}
            </text>
          </g>
        );
      })}
    </Svg>
  );
}

function Marker({ kind, x, y, colour }: { kind: (typeof MARKERS)[number]; x: number; y: number; colour: string }) {
  if (kind === 'square') return <rect x={x - 4} y={y - 4} width={8} height={8} fill={colour} />;
  if (kind === 'diamond') return <polygon points={`${x},${y - 5} ${x + 5},${y} ${x},${y + 5} ${x - 5},${y}`} fill={colour} />;
  if (kind === 'triangle') return <polygon points={`${x},${y - 5} ${x + 5},${y + 4} ${x - 5},${y + 4}`} fill={colour} />;
  return <circle cx={x} cy={y} r={4} fill={colour} />;
}

function Line({ id, spec, table }: { id: string; spec: Extract<ChartSpec, { kind: 'line' }>; table: ResultTable }) {
  const li = column(table, spec.label);
  const series = spec.values.map((key) => ({ key, index: column(table, key), label: table.columns[column(table, key)]?.label ?? key })).filter((s) => s.index >= 0);
  const rows = table.rows;
  const left = 50;
  const plotWidth = Math.max(200, Math.min(640, rows.length * 50));
  const plotHeight = 220;
  const legendHeight = series.length * 20 + 10;
  const width = left + plotWidth + 30;
  const height = plotHeight + 50 + legendHeight;
  const top = Math.max(1, ...rows.flatMap((r) => series.map((s) => (typeof r[s.index] === 'number' ? (r[s.index] as number) : 0))));
  const xOf = (i: number) => left + (rows.length <= 1 ? plotWidth / 2 : (i / (rows.length - 1)) * plotWidth);
  const yOf = (v: number) => 10 + plotHeight - (v / top) * plotHeight;
  const every = Math.max(1, Math.ceil(rows.length / 12));
  return (
    <Svg id={id} title={spec.title} description={spec.description} width={width} height={height}>
      <line x1={left} y1={10 + plotHeight} x2={left + plotWidth} y2={10 + plotHeight} stroke="#4a4a4a" />
      <line x1={left} y1={10} x2={left} y2={10 + plotHeight} stroke="#4a4a4a" />
      <text x={left - 6} y={14} text-anchor="end" class="chart__value">
        {number.format(top)}
      </text>
      <text x={left - 6} y={14 + plotHeight} text-anchor="end" class="chart__value">
        0
      </text>
      {rows.map((row, i) =>
        i % every === 0 ? (
          <text x={xOf(i)} y={plotHeight + 30} text-anchor="middle" class="chart__label">
            {monthLabel(String(row[li] ?? ''))}
          </text>
        ) : null,
      )}
      {series.map((s, k) => {
        const colour = SERIES_COLOURS[k % SERIES_COLOURS.length]!;
        // A hidden value breaks the line: it is never placed, not even between its neighbours.
        const segments: string[][] = [[]];
        rows.forEach((row, i) => {
          const v = row[s.index];
          if (typeof v === 'number') segments[segments.length - 1]!.push(`${xOf(i)},${yOf(v)}`);
          else segments.push([]);
        });
        return (
          <g>
            {segments.filter((p) => p.length > 1).map((points) => (
              <polyline points={points.join(' ')} fill="none" stroke={colour} stroke-width={2} />
            ))}
            {rows.map((row, i) => (typeof row[s.index] === 'number' ? <Marker kind={MARKERS[k % MARKERS.length]!} x={xOf(i)} y={yOf(row[s.index] as number)} colour={colour} /> : null))}
            <Marker kind={MARKERS[k % MARKERS.length]!} x={left + 6} y={plotHeight + 52 + k * 20} colour={colour} />
            <text x={left + 18} y={plotHeight + 56 + k * 20} class="chart__label">
              {s.label}
            </text>
          </g>
        );
      })}
    </Svg>
  );
}

/** The figures a chart draws, as a table beside it (the same cells, "< 5" included). */
function ChartTable({ spec, table }: { spec: ChartSpec; table: ResultTable }) {
  const keys = spec.kind === 'line' ? [spec.label, ...spec.values] : [spec.label, spec.value];
  const indexes = keys.map((k) => column(table, k)).filter((i) => i >= 0);
  return (
    <table class="chart__table">
      <caption>Données du graphique : {spec.title}</caption>
      <thead>
        <tr>
          {indexes.map((i) => (
            <th scope="col">{table.columns[i]!.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr>
            {indexes.map((i, n) =>
              n === 0 ? (
                <th scope="row">{table.columns[i]!.type === 'month' ? monthLabel(String(row[i])) : show(row[i] ?? null)}</th>
              ) : (
                <td class="numeric">{show(row[i] ?? null)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Chart({ id, spec, table }: { id: string; spec: ChartSpec; table: ResultTable }) {
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} class="chart__caption">
        {spec.title}
      </figcaption>
      <div class="chart__body">
        <div class="chart__drawing">{spec.kind === 'line' ? <Line id={id} spec={spec} table={table} /> : <Bars id={id} spec={spec} table={table} />}</div>
        <ChartTable spec={spec} table={table} />
      </div>
      {table.rows.some((row) => row.includes(SUPPRESSED)) ? <p class="chart__note">« &lt; 5 » : effectif inférieur à 5, ou masqué pour qu’un total ne permette pas de le retrouver ; il n’est pas dessiné.</p> : null}
    </figure>
  );
}
