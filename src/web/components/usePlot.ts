import { useEffect, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const MIN_WIDTH = 240;

/**
 * Draws a uPlot chart into the returned element and keeps it as wide as that element. The chart is rebuilt only
 * when `key` changes (callers pass a serialisation of what they plot), and destroyed on unmount.
 */
export function usePlot(
  build: (width: number) => { options: uPlot.Options; data: uPlot.AlignedData } | undefined,
  key: string,
): RefObject<HTMLDivElement | null> {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const width = (): number => Math.max(MIN_WIDTH, el.clientWidth);
    const spec = build(width());
    if (spec === undefined) return;
    const plot = new uPlot(spec.options, spec.data, el);
    const height = spec.options.height;
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // `key` stands for everything `build` reads.
  }, [key]);
  return box;
}
