/**
 * An ECharts chart (SVG renderer) with its data as a table beside it: the chart has an
 * aria-label summary, the table (under a disclosure) is what a screen reader or a keyboard
 * user reads, and what anyone can copy.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { type ReactNode, useEffect, useRef } from 'react';
import { useI18n } from '../i18n.tsx';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif";

export interface TableData {
  head: string[];
  rows: ReactNode[][];
}

export function DataTable(props: { caption?: string; data: TableData; className?: string }) {
  return (
    <div className="table-scroll">
      <table className={props.className ?? 'data'}>
        {props.caption ? <caption>{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.data.head.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.data.rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <tr key={r}>
              {row.map((cell, c) =>
                c === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                  <th key={c} scope="row">
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                  <td key={c} className="num">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Chart(props: {
  id: string;
  title: string;
  /** One sentence for screen readers: what the chart shows. */
  summary: string;
  option: ChartOption;
  table: TableData;
  height?: number;
  children?: ReactNode;
  /** A click on a bar or point (the table beside the chart offers the same as links). */
  onItemClick?: (item: { dataIndex: number; seriesIndex: number; name: string }) => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const onClick = useRef(props.onItemClick);
  onClick.current = props.onItemClick;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => {
      const e = p as { dataIndex?: number; seriesIndex?: number; name?: string };
      onClick.current?.({ dataIndex: e.dataIndex ?? 0, seriesIndex: e.seriesIndex ?? 0, name: e.name ?? '' });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        aria: { enabled: true, label: { description: props.summary } },
        animationDuration: 300,
        // A concrete family: ECharts measures labels with it ("inherit" measures wrong).
        textStyle: { fontFamily: FONT },
        ...props.option,
      },
      true,
    );
  }, [props.option, props.summary]);

  return (
    <figure className="chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`} className="card-title">
        {props.title}
      </figcaption>
      {props.children}
      <div
        ref={ref}
        className={`chart-canvas${props.onItemClick ? ' clickable' : ''}`}
        style={{ height: props.height ?? 240 }}
      />
      <details className="chart-table">
        <summary>{t('table.show')}</summary>
        <DataTable caption={props.title} data={props.table} />
      </details>
    </figure>
  );
}
