// Opens a rendered HTML report in headless Chromium (playwright-core) and reports what a reader would see.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's chromium; H1B_CHROMIUM points elsewhere (e.g. /usr/bin/chromium-browser). */
export const CHROMIUM = process.env.H1B_CHROMIUM || '/usr/bin/chromium';

// Structural types for the slice of playwright-core used here, so the tests compile without it installed.
interface PwPage {
  on(event: 'console', handler: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', handler: (error: Error) => void): void;
  route(pattern: string, handler: (route: { request(): { url(): string }; abort(): Promise<void>; continue(): Promise<void> }) => Promise<void>): Promise<void>;
  goto(url: string, options?: { waitUntil?: 'load' }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  mouse: { move(x: number, y: number): Promise<void> };
  close(): Promise<void>;
}
/** A persistent browser context: playwright wants the fresh profile dir passed this way. */
export interface PwBrowser {
  newPage(): Promise<PwPage>;
  close(): Promise<void>;
}

type Launcher = { launchPersistentContext(userDataDir: string, options: object): Promise<PwBrowser> };

/** Launch Chromium, or say why not (the caller skips the test with that reason). */
export async function launchChromium(profileDir: string): Promise<{ browser: PwBrowser } | { skip: string }> {
  if (!existsSync(CHROMIUM)) return { skip: `${CHROMIUM} not found (Debian package: chromium)` };
  let chromium: Launcher;
  try {
    ({ chromium } = (await import('playwright-core')) as unknown as { chromium: Launcher });
  } catch {
    return { skip: 'playwright-core is not installed (npm install --save-dev playwright-core)' };
  }
  try {
    return { browser: await launch(chromium, profileDir) };
  } catch (error) {
    // Installed but unable to start (missing shared libraries, no /dev/shm): a machine problem, not a report bug.
    return { skip: `${CHROMIUM} did not start: ${(error as Error).message.split('\n')[0]}` };
  }
}

function launch(chromium: Launcher, profileDir: string): Promise<PwBrowser> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface LineChartSeen {
  id: string;
  legend: string[];
  /** Pixels of each series colour found on the chart canvas, in series order. */
  seriesPixels: number[];
  canvasPixels: number;
  /** Legend values with the cursor in the middle of the plot: x first, then each series. */
  hoverValues: string[];
}

export interface PageSeen {
  consoleErrors: string[];
  /** Requests for anything but the file itself: a self-contained page makes none. */
  externalRequests: string[];
  chartsDrawn: number;
  lineCharts: LineChartSeen[];
  barCharts: Array<{ id: string; bars: number; text: string }>;
  warnings: string;
  bodyText: string;
}

/**
 * Write `html` to `dir`, open it, wait for the in-page script to finish, inspect every chart
 * and save a full-page screenshot as `<name>.png`. `colors` are the series colours every line
 * chart should show (one per run).
 */
export async function inspectReport(browser: PwBrowser, html: string, dir: string, name: string, colors: readonly string[]): Promise<PageSeen> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, html);
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    externalRequests.push(url);
    return route.abort();
  });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-drawn]', { timeout: 10_000 });
    const seen = await page.evaluate(
      // Runs in the page: plain DOM code, typed loosely because the test's tsconfig has no DOM lib.
      (palette: string[]) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const doc = (globalThis as any).document;
        const hex = (color: string): number[] => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
        const lineCharts = [...doc.querySelectorAll('.plot')].map((el: any) => {
          const canvas = el.querySelector('canvas');
          const legend = [...el.querySelectorAll('.u-legend .u-series .u-label')].map((label: any) => label.textContent as string);
          if (!canvas) return { id: el.id, legend, seriesPixels: [], canvasPixels: 0, hoverValues: [] as string[] };
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          const targets = palette.map(hex);
          const counts = targets.map(() => 0);
          let painted = 0;
          for (let p = 0; p < data.length; p += 4) {
            if (data[p + 3] === 0) continue;
            painted++;
            targets.forEach((t, k) => {
              if (Math.abs(data[p] - t[0]!) < 24 && Math.abs(data[p + 1] - t[1]!) < 24 && Math.abs(data[p + 2] - t[2]!) < 24) counts[k]!++;
            });
          }
          return { id: el.id, legend, seriesPixels: counts, canvasPixels: painted, hoverValues: [] as string[] };
        });
        const barCharts = [...doc.querySelectorAll('.bar-chart')].map((fig: any) => ({
          id: fig.id,
          bars: fig.querySelectorAll('svg path.bar').length,
          text: fig.querySelector('svg').textContent as string,
        }));
        return {
          chartsDrawn: Number(doc.body.getAttribute('data-charts-drawn')),
          lineCharts,
          barCharts,
          warnings: (doc.querySelector('.warnings')?.textContent ?? '') as string,
          bodyText: doc.body.innerText as string,
        };
      },
      [...colors],
    );
    // Hover each chart: the legend must show the values under the cursor (exercises the page's formatters).
    for (const chart of seen.lineCharts) {
      const box = await page.evaluate((id: string) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const over = (globalThis as any).document.querySelector(`#${id} .u-over`);
        over.scrollIntoView({ block: 'center' });
        const rect = over.getBoundingClientRect();
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }, chart.id);
      await page.mouse.move(box.x, box.y);
      (chart as LineChartSeen).hoverValues = await page.evaluate(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (id: string) => [...(globalThis as any).document.querySelectorAll(`#${id} .u-legend .u-series .u-value`)].map((el: any) => el.textContent as string),
        chart.id,
      );
    }
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0), undefined); // eslint-disable-line @typescript-eslint/no-explicit-any
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    return { consoleErrors, externalRequests, ...seen, lineCharts: seen.lineCharts as LineChartSeen[] };
  } finally {
    await page.close();
  }
}
