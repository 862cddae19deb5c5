// Chromium measurements for the UI benchmark, through playwright-core driving the apt chromium.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** The apt chromium binary (never a downloaded one: `npx playwright install` cannot work here). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless Chromium. Frame-rate limit and vsync are off so requestAnimationFrame fires as soon
 * as a frame is done: the gap between callbacks is then the frame's real cost, not the 16.7 ms vsync tick.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-frame-rate-limit', '--disable-gpu-vsync'],
  });
}

/** Frame gaps recorded while scrolling a scroll container from top to bottom, `stepPx` per frame. */
export interface ScrollTrace {
  readonly frameMs: number[];
  /** Frames whose viewport still showed rows waiting for their data (`pendingSelector`). */
  readonly pendingFrames: number;
  readonly scrollHeight: number;
  readonly totalMs: number;
}

/** What scrollThrough moves and watches. */
export interface ScrollOptions {
  /** Pixels per animation frame. */
  readonly stepPx: number;
  /**
   * Rows still waiting for their data (placeholders). A frame that shows them is cheaper than one that
   * shows real rows, so the trace counts them: a fast frame time must come with real rows on screen.
   */
  readonly pendingSelector?: string;
  readonly maxFrames?: number;
}

/**
 * Scrolls the element matching `selector` to its end, moving `stepPx` each animation frame, and records
 * the time between consecutive frames. Stops at the bottom or after `maxFrames`.
 */
export async function scrollThrough(page: Page, selector: string, opts: ScrollOptions): Promise<ScrollTrace> {
  return page.evaluate(
    ({ selector, stepPx, pendingSelector, maxFrames }) =>
      new Promise<ScrollTrace>((resolve, reject) => {
        const el = document.querySelector(selector);
        if (!el) {
          reject(new Error(`no element ${selector}`));
          return;
        }
        const frameMs: number[] = [];
        let pendingFrames = 0;
        const t0 = performance.now();
        let last = 0;
        // Checked at the offset the list has just rendered for (its scroll handler runs before
        // animation-frame callbacks): were the rows it put in the viewport real rows or placeholders?
        const showsPending = () => {
          if (!pendingSelector) return false;
          const view = el.getBoundingClientRect();
          for (const p of el.querySelectorAll(pendingSelector)) {
            const r = p.getBoundingClientRect();
            if (r.bottom > view.top && r.top < view.bottom) return true;
          }
          return false;
        };
        const tick = (t: number) => {
          const isFrame = last > 0;
          if (isFrame) frameMs.push(t - last);
          last = t;
          const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
          if (isFrame && showsPending()) pendingFrames++;
          if (atEnd || frameMs.length >= maxFrames) {
            resolve({ frameMs, pendingFrames, scrollHeight: el.scrollHeight, totalMs: performance.now() - t0 });
            return;
          }
          el.scrollTop += stepPx;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { selector, stepPx: opts.stepPx, pendingSelector: opts.pendingSelector ?? '', maxFrames: opts.maxFrames ?? 20_000 },
  );
}

/** Renderer memory over a period: the largest renderer's peak private memory and peak resident set, MiB. */
export interface RendererMemory {
  /** Private (unshared) memory, the figure Chrome's task manager shows as a tab's memory footprint. */
  readonly peakPrivateMiB: number;
  /** Resident set including pages shared with the other Chromium processes (libraries, fonts). */
  readonly peakRssMiB: number;
  readonly renderers: number;
}

/** Pids of Chromium's renderer processes, from the browser's own process list. */
export async function rendererPids(browser: Browser): Promise<number[]> {
  const session = await browser.newBrowserCDPSession();
  const info = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  await session.detach();
  return info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}

/**
 * Samples the renderers' memory every 100 ms until `stop()`. The page under test is by far the largest
 * renderer (spare and utility renderers hold a few MiB), so the maxima are the page's.
 *
 * Not free: the kernel builds smaps_rollup by walking the process's page tables under its memory-map
 * lock, about 5-10 ms of CPU per Chromium renderer, so sampling three renderers takes a third of a core
 * and can stall the renderer's own mmap calls. Never run it while timing frames.
 */
export function sampleRendererMemory(pids: readonly number[]): { stop(): RendererMemory } {
  let peakPrivate = 0;
  let peakRss = 0;
  const sample = () => {
    for (const pid of pids) {
      const st = readProcStatus(pid);
      peakRss = Math.max(peakRss, st.VmHWM ?? 0, st.VmRSS ?? 0);
      peakPrivate = Math.max(peakPrivate, privateKiB(pid));
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakPrivateMiB: peakPrivate / 1024, peakRssMiB: peakRss / 1024, renderers: pids.length };
    },
  };
}

function privateKiB(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    let kib = 0;
    for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB$/gm)) kib += Number(m[1]);
    return kib;
  } catch {
    return 0;
  }
}

function readProcStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const m of readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(Vm\w+):\s+(\d+) kB$/gm)) out[m[1]!] = Number(m[2]);
  } catch {
    // The process went away: it holds no memory.
  }
  return out;
}

/** The page's JavaScript heap in use, MiB (Chromium's own counter, for reference beside the RSS). */
export async function jsHeapMiB(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const { metrics } = (await session.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  await session.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
}
