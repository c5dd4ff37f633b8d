// Charts drawn as plain SVG on the server: no chart library, no JavaScript needed, readable by screen
// readers (role="img" with a title and description) and backed by a data table for anyone who
// cannot see them. The viewBox scales the chart to a phone's width.
import { useId } from "react";

export type ChartSeries = {
  name: string;
  values: (number | null)[];
  /** Tailwind-independent colours, chosen to differ in lightness as well as hue. */
  color: string;
  dashed?: boolean;
};

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

function niceMax(max: number) {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

export function Chart({
  kind,
  title,
  description,
  labels,
  series,
  format,
  tableCaption,
}: {
  kind: "bar" | "line";
  title: string;
  description: string;
  labels: string[];
  series: ChartSeries[];
  format: (value: number) => string;
  tableCaption: string;
}) {
  const id = useId();
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const labelEvery = Math.ceil(labels.length / 8);
  const barW = Math.max(2, (slot * 0.8) / series.length);

  return (
    <figure className="rounded-lg bg-white p-3 shadow-sm">
      {/* Visible too: on a phone the chart is small and several sit one under another. */}
      <p className="mb-1 font-semibold" aria-hidden="true">
        {title}
      </p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        className="h-auto max-w-full"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * f)}
              y2={y(max * f)}
              stroke="#d6d3d1"
            />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" fontSize="15" fill="#44403c">
              {format(max * f)}
            </text>
          </g>
        ))}
        {labels.map((label, i) =>
          i % labelEvery === 0 ? (
            <text
              key={label}
              x={x(i)}
              y={HEIGHT - 8}
              textAnchor="middle"
              fontSize="15"
              fill="#44403c"
            >
              {label}
            </text>
          ) : null,
        )}
        {series.map((s, si) =>
          kind === "bar" ? (
            <g key={s.name} fill={s.color}>
              {s.values.map((v, i) =>
                v === null ? null : (
                  <rect
                    key={i}
                    x={x(i) - (barW * series.length) / 2 + barW * si}
                    y={y(v)}
                    width={barW}
                    height={Math.max(0, PAD.top + plotH - y(v))}
                  />
                ),
              )}
            </g>
          ) : (
            <g key={s.name}>
              {/* A week without a value breaks the line instead of pretending it was 0. */}
              <path
                d={s.values
                  .map((v, i) =>
                    v === null
                      ? ""
                      : `${i === 0 || s.values[i - 1] === null ? "M" : "L"}${x(i)},${y(v)}`,
                  )
                  .join(" ")}
                fill="none"
                stroke={s.color}
                strokeWidth="2.5"
                strokeDasharray={s.dashed ? "6 4" : undefined}
              />
              {s.values.map((v, i) =>
                v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="3.5" fill={s.color} />,
              )}
            </g>
          ),
        )}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-stone-700">
        {series.map((s) => (
          <span key={s.name} className="inline-flex items-center gap-1">
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" fill={s.color} />
            </svg>
            {s.name}
          </span>
        ))}
      </figcaption>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-leaf-800 underline">{tableCaption}</summary>
        <div className="overflow-x-auto">
          <table className="mt-2 w-full text-left">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="border-b">
                <th scope="col" className="p-1">
                  {tableCaption}
                </th>
                {series.map((s) => (
                  <th key={s.name} scope="col" className="p-1 text-right">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label} className="border-b last:border-0">
                  <th scope="row" className="p-1 font-normal">
                    {label}
                  </th>
                  {series.map((s) => (
                    <td key={s.name} className="p-1 text-right">
                      {s.values[i] === null ? "–" : format(s.values[i]!)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
