/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * End to end in Debian's Chromium (playwright-core) against `npm run web` (dist/cli/web.js, built by
 * `npm test` before vitest runs): create a project, type a model, see a diagnostic, fix it, read the
 * chart's data back and compare with hand-computed values, switch the method, save, reload, reopen,
 * import an XMILE file, look at the diagram. Screenshots go to test-artifacts/e2e/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withinTolerance } from '../../cli/conformance.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');
const CHROMIUM = '/usr/bin/chromium';
const SUITE = join(ROOT, '../shared/test-models');

const MODEL_WITH_TYPO = `model "Waiting list"

simulation
  start: 0
  stop: 10
  dt: 1
  method: euler
  time unit: week

stock "Waiting" [people] = 100
  inflow: "referrals"
  outflow: "treated"

flow "referrals" [people/week] = 20

flow "treated" [people/week] = "Waiting" * "treatment rte"

const "treatment rate" [1/week] = 0.1
`;
const MODEL = MODEL_WITH_TYPO.replace('"treatment rte"', '"treatment rate"');

// Hand-computed: W' = 20 - 0.1 W, W(0) = 100. One Euler step multiplies the gap to the
// equilibrium 200 by 0.9; one RK4 step by 1 - h + h²/2 - h³/6 + h⁴/24 with h = 0.1.
const euler = (n: number) => 200 - 100 * 0.9 ** n;
const RK4_FACTOR = 1 - 0.1 + 0.1 ** 2 / 2 - 0.1 ** 3 / 6 + 0.1 ** 4 / 24;
const rk4 = (n: number) => 200 - 100 * RK4_FACTOR ** n;

let server: ChildProcess;
let url = '';
let origin = '';
let context: BrowserContext;
let page: Page;
let workspace: string;
let profile: string;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

interface ChartTrace { name: string; x: number[]; y: number[]; meta?: { variable?: string; run?: string } }

async function chartTraces(): Promise<ChartTrace[]> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid=chart]') as (HTMLElement & { data?: unknown[] }) | null;
    return JSON.parse(JSON.stringify(el?.data ?? [])) as ChartTrace[];
  });
}

/** Waits until the chart has a trace for `variable` (of the live run) whose values satisfy `ok`. */
async function waitForTrace(variable: string, ok: (t: ChartTrace) => boolean): Promise<ChartTrace> {
  let last: ChartTrace[] = [];
  for (let i = 0; i < 100; i++) {
    last = await chartTraces();
    const t = last.find((x) => x.meta?.variable === variable && x.meta?.run === 'current');
    if (t && ok(t)) return t;
    await page.waitForTimeout(100);
  }
  throw new Error(`The chart never showed the expected ${variable}: ${JSON.stringify(last).slice(0, 500)}`);
}

/** Replaces the editor's text as a user pasting it would (typing it would add auto-indentation). */
async function replaceEditorText(text: string): Promise<void> {
  await page.click('[data-testid=editor] .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.evaluate((t) => {
    // Monaco takes input through a native EditContext element (or a textarea): whichever has focus.
    const area = document.activeElement ?? document.querySelector('[data-testid=editor] textarea')!;
    const data = new DataTransfer();
    data.setData('text/plain', t);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Reads a model back through the API, with the token the page holds, as the page itself would. */
async function modelTextViaApi(projectName: string): Promise<string> {
  return page.evaluate(async (name) => {
    const token = sessionStorage.getItem('cwb-token') ?? '';
    const call = async (method: string, args: unknown[]) => {
      const res = await fetch('/api/call', { method: 'POST', headers: { 'content-type': 'application/json', 'x-cwb-token': token }, body: JSON.stringify({ method, args }) });
      const body = await res.json() as { ok: boolean; value: unknown };
      return body.value as never;
    };
    const snap = await call('openProject', [name]) as { projectId: string; models: { id: number }[] };
    const model = await call('getModel', [snap.projectId, snap.models[0]!.id]) as { text: string };
    return model.text;
  }, projectName);
}

describe.skipIf(!existsSync(CHROMIUM))('workbench in the browser', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workspace = mkdtempSync(join(tmpdir(), 'cwb-e2e-ws-'));
    profile = mkdtempSync(join(tmpdir(), 'cwb-e2e-profile-'));
    server = spawn(process.execPath, [join(ROOT, 'dist/cli/web.js'), '--port', '0', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`npm run web exited with ${code}: ${out}`)));
    });
    origin = new URL(url).origin;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Console errors, and every failed request by its address (the console does not name it).
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().includes('/api/call')) pageErrors.push(`${r.status()} ${r.url()}`); });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    server?.kill();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('offers the examples on first run and runs one with one click', async () => {
    await page.goto(url);
    await page.waitForSelector('[data-testid=example]');
    const titles = await page.$$eval('[data-testid=example] strong', (els) => els.map((e) => e.textContent));
    expect(titles).toContain('Residential care for older people');
    await shot('01-welcome');
    await page.click('[data-testid=example][data-id=residential-care]');
    await page.waitForSelector('[data-testid=tree-model]');
    const trace = await waitForTrace('People in residential care', (t) => t.y.length === 11);
    expect(trace.x[0]).toBe(2025);
    expect(trace.x.at(-1)).toBe(2035);
    await shot('02-example-running');
    // The token left the address bar; the page cannot reach Node.
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
  });

  it('creates a project, shows a diagnostic for a typo, and charts the fixed model with the right values', async () => {
    await page.click('.topbar .brand');
    await page.fill('[data-testid=new-project-name]', 'E2E project');
    await page.click('[data-testid=create-project]');
    await page.waitForSelector('[data-testid=editor] .view-lines');
    await replaceEditorText(MODEL_WITH_TYPO);
    const diag = await page.waitForSelector('[data-testid=diagnostic].error');
    const message = await diag.textContent();
    expect(message).toContain('treatment rte');
    // The error is placed on the line that holds the typo.
    const typoLine = MODEL_WITH_TYPO.split('\n').findIndex((l) => l.includes('treatment rte')) + 1;
    expect(message).toMatch(new RegExp(`^${typoLine}:`));
    await page.waitForSelector('.monaco-editor .squiggly-error');
    await shot('03-diagnostic');

    await replaceEditorText(MODEL);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=diagnostic].error').length === 0);
    const trace = await waitForTrace('Waiting', (t) => t.y.length === 11);
    expect(trace.x).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    trace.y.forEach((y, n) => expect(y).toBeCloseTo(euler(n), 9));
    await shot('04-chart-euler');
  });

  it('switches the method and the chart follows', async () => {
    await page.selectOption('[data-testid=method]', 'rk4');
    const trace = await waitForTrace('Waiting', (t) => Math.abs(t.y[1]! - euler(1)) > 1e-6);
    trace.y.forEach((y, n) => expect(y).toBeCloseTo(rk4(n), 9));
    await shot('05-chart-rk4');
  });

  it('saves, keeps a run, and finds everything again after a reload', async () => {
    await page.click('[data-testid=save]');
    await page.waitForFunction(() => /Saved v\d+/.test(document.querySelector('[data-testid=save-state]')?.textContent ?? ''));
    // A new model is named after the title in its text.
    await page.waitForSelector('[data-testid=tree-model][data-name="Waiting list"]');
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=tree-run]');
    await page.click('[data-testid=tab-table]');
    await page.waitForSelector('[data-testid=results-table]');
    await shot('06-table');

    await page.reload();
    await page.waitForSelector('[data-testid=open-project][data-name="E2E project"]');
    await page.click('[data-testid=open-project][data-name="E2E project"]');
    await page.waitForSelector('[data-testid=tree-run]');
    expect(await modelTextViaApi('E2E project')).toBe(MODEL);
    // The model's own method (Euler) again, and the kept RK4 run overlaid from the store.
    const live = await waitForTrace('Waiting', (t) => t.y.length === 11);
    live.y.forEach((y, n) => expect(y).toBeCloseTo(euler(n), 9));
    await page.click('[data-testid=tree-run]');
    let stored: ChartTrace | undefined;
    for (let i = 0; i < 50 && !stored; i++) {
      stored = (await chartTraces()).find((t) => t.meta?.variable === 'Waiting' && t.meta?.run !== 'current');
      if (!stored) await page.waitForTimeout(100);
    }
    expect(stored).toBeDefined();
    stored!.y.forEach((y, n) => expect(y).toBeCloseTo(rk4(n), 9));
    await shot('07-reopened-with-run');
  });

  it('exports the chart as PNG and SVG and the table as CSV with the run\'s values', async () => {
    await page.click('[data-testid=tab-chart]');
    await waitForTrace('Waiting', (t) => t.y.length === 11);
    const download = async (testid: string): Promise<Buffer> => {
      const wait = page.waitForEvent('download');
      await page.click(`[data-testid=${testid}]`);
      const file = await (await wait).path();
      return readFileSync(file);
    };
    const png = await download('export-png');
    expect(png.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect((await download('export-svg')).toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    await page.click('[data-testid=tab-table]');
    const csv = (await download('export-csv')).toString('utf8').trim().split('\n');
    const header = csv[0]!.split(',');
    const col = header.indexOf('Waiting');
    expect(header[0]).toBe('time');
    expect(col).toBeGreaterThan(0);
    csv.slice(1).forEach((line, n) => expect(Number(line.split(',')[col])).toBeCloseTo(euler(n), 9));
    await page.click('[data-testid=tab-chart]');
  });

  it('completes names, shows a variable on hover, and autosaves without pressing Save', async () => {
    await page.click('[data-testid=editor] .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('aux "Weeks of waiting" [weeks] = Waiting / refer');
    await page.keyboard.press('Control+Space');
    await page.waitForTimeout(1500);
    await shot('08-completion');
    await page.waitForSelector('.suggest-widget.visible .monaco-list-row');
    await shot('08-completion');
    const rows = await page.$$eval('.suggest-widget.visible .monaco-list-row', (els) => els.map((e) => e.textContent ?? ''));
    expect(rows.some((r) => r.includes('referrals')), rows.join(' | ')).toBe(true);
    await page.keyboard.press('Enter');
    // Monaco renders spaces as no-break spaces.
    await page.waitForFunction(() => (document.querySelector('[data-testid=editor] .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('Waiting / referrals'));
    // Autosave: the text reaches the project on its own.
    await page.waitForFunction(() => /Saved v\d+/.test(document.querySelector('[data-testid=save-state]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(await modelTextViaApi('E2E project')).toContain('aux "Weeks of waiting" [weeks] = Waiting / referrals');

    // Hover over the constant's use in the flow shows its definition and units.
    const use = page.locator('[data-testid=editor] .view-line', { hasText: '"Waiting" * "treatment rate"' }).locator('span > span', { hasText: 'treatment' }).first();
    await use.hover();
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-hover-content')].some((e) => (e.textContent ?? '').includes('1/week')));
    await shot('09-hover');
    await replaceEditorText(MODEL);
  });

  it('imports a Stella XMILE model and runs it to the canonical output', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid=import]');
    await (await chooser).setFiles(join(SUITE, 'samples/teacup/teacup.xmile'));
    await page.waitForSelector('[data-testid=tree-model][data-name="Teacup"]');
    const trace = await waitForTrace('Teacup Temperature', (t) => t.y.length > 200);
    const canonical = readFileSync(join(SUITE, 'samples/teacup/output.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    for (const row of canonical.filter((_, i) => i % 40 === 0)) {
      const at = trace.x.findIndex((x) => Math.abs(x - row[0]!) < 1e-9);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(withinTolerance(trace.y[at]!, row[4]!), `${trace.y[at]} vs ${row[4]} at ${row[0]}`).toBe(true);
    }
    await shot('10-imported-xmile');
  });

  it('draws the stock-and-flow diagram and jumps to an equation on click', async () => {
    await page.click('[data-testid=tab-diagram]');
    const node = await page.waitForSelector('[data-testid=diagram-node][data-name="Teacup Temperature"]');
    await shot('11-diagram');
    await node.click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=editor]')?.getAttribute('data-cursor-line')) > 1);
  });

  it('draws a conveyor as a belt with its transit time, a queue as a line, a leakage from the belt, and opens the conveyor on click', async () => {
    const file = join(ROOT, 'resources/models/step-down-beds.cwm');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid=import]');
    await (await chooser).setFiles(file);
    await page.waitForSelector('[data-testid=tree-model][data-name="Step-down beds and delayed discharges"]');
    await page.click('[data-testid=tab-diagram]');
    const belt = await page.waitForSelector('[data-testid=diagram-node][data-name="In step-down beds"][data-role=conveyor]');
    expect(await belt.$eval('.belt .transit', (t) => t.textContent)).toBe('transit 4 week');
    expect(await page.$('[data-testid=diagram-node][data-name="Waiting in hospital"][data-role=queue] .queue-line')).not.toBeNull();
    expect(await page.$eval('[data-testid=diagram-node][data-name="Died in a step-down bed"] .role-tag', (t) => t.textContent)).toBe('(leakage)');
    expect(await page.$$('.pipe.leak')).toHaveLength(1);
    await shot('11b-diagram-conveyor');
    // The conveyor is declared on line 41 of the example: a click puts the cursor there.
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('stock "In step-down beds"')) + 1;
    expect(line).toBe(41);
    await belt.click();
    await page.waitForFunction((want) => Number(document.querySelector('[data-testid=editor]')?.getAttribute('data-cursor-line')) === want, line);
  });

  it('imports a population CSV, names its bad cells, and charts a model that reads it', async () => {
    await page.click('[data-testid=tab-chart]');
    const csvPath = join(workspace, 'leeds-population.csv');
    const importFile = async (content: string) => {
      writeFileSync(csvPath, content);
      await page.click('[data-testid=import-data]');
      await page.waitForSelector('[data-testid=data-import]');
      const chooser = page.waitForEvent('filechooser');
      await page.click('[data-testid=data-choose]');
      await (await chooser).setFiles(csvPath);
      await page.fill('[data-testid=data-name]', 'Population projections');
      await page.fill('[data-testid=data-source]', 'ONS 2022-based SNPP');
      await page.click('[data-testid=data-import-submit]');
      return (await page.waitForSelector('[data-testid=data-problems]')).textContent();
    };
    const good = 'AREA_NAME,AGE_GROUP,2025,2030,2035\nLeeds,65-74,70000,73000,76000\nLeeds,75-84,40000,44000,48000\nLeeds,85+,14000,16500,19000\n';
    expect(await importFile(good.replace('16500', 'n/a'))).toContain('D4 "n/a" is not a number');
    await shot('12-data-import-error');
    await page.click('.modal-buttons button:has-text("Cancel")');
    expect(await importFile(good)).toContain('Imported');
    await page.click('.modal-buttons button:has-text("Close")');
    await page.waitForSelector('[data-testid=tree-data][data-name="Population projections"]');

    await replaceEditorText(`model "Demand"\n\nsimulation\n  start: 2025\n  stop: 2035\n  dt: 1\n  time unit: year\n\ndimension AgeBand: 65-74, 75-84, 85+\n\ngraph "Population"[AgeBand] [people] = TIME\n  data: "Population projections"\n  data where: "AREA_NAME" = "Leeds"\n\nconst "Prevalence"[AgeBand] = 2%, 5%, 15%\n\naux "People with needs" [people] = SUM("Population"[*] * "Prevalence"[*])\n`);
    // Hand-computed: years between the table's are interpolated (2027: 71200, 41600, 15000).
    const trace = await waitForTrace('People with needs', (t) => t.y.length === 11).catch(async () => {
      await page.click('[data-testid=variable-checkbox][data-name="People with needs"]');
      return waitForTrace('People with needs', (t) => t.y.length === 11);
    });
    expect(trace.y[2]).toBeCloseTo(71200 * 0.02 + 41600 * 0.05 + 15000 * 0.15, 9);
    await shot('13-data-chart');
  });

  it('runs a Monte Carlo analysis to a fan chart, and compares a scenario with the baseline', async () => {
    // y = k·t + 1: with k ~ U(1, 3), y(10) is uniform on [11, 31].
    await replaceEditorText('model "k t"\n\nsimulation\n  start: 0\n  stop: 10\n  dt: 1\n\nconst k = 2\n\nconst c = 1\n\naux y = k * TIME + c\n');
    await page.waitForFunction(() => /Saved v\d+/.test(document.querySelector('[data-testid=save-state]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.click('[data-testid=tab-sensitivity]');
    await page.waitForSelector('[data-testid=sens-add]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=sens-outputs] option').length > 0);
    await page.click('[data-testid=sens-add]');
    await page.selectOption('[data-testid=sens-param]', 'k');
    await page.fill('[data-testid=sens-min]', '1');
    await page.fill('[data-testid=sens-max]', '3');
    await page.fill('[data-testid=sens-runs]', '1000');
    await page.selectOption('[data-testid=sens-outputs]', ['y']);
    await page.click('[data-testid=sens-run]');
    await page.waitForSelector('[data-testid=sens-progress][data-state=done]');
    await page.waitForFunction(() => ((document.querySelector('[data-testid=sens-chart]') as unknown as { data?: unknown[] } | null)?.data?.length ?? 0) >= 6);
    const fan = await page.evaluate(() => JSON.parse(JSON.stringify((document.querySelector('[data-testid=sens-chart]') as unknown as { data: unknown[] }).data)) as ChartTrace[]);
    const at10 = (name: string) => fan.find((t) => t.name === name)!.y[10]!;
    expect(Math.abs(at10('median') - 21)).toBeLessThan(1);
    expect(Math.abs(at10('mean') - 21)).toBeLessThan(4 * (20 / Math.sqrt(12)) / Math.sqrt(1000));
    expect(Math.abs(at10('p5') - 12)).toBeLessThan(1);
    await shot('14-fan-chart');

    await page.click('[data-testid=tab-scenarios]');
    await page.click('[data-testid=scenario-new]');
    await page.fill('[data-testid=scenario-name]', 'Higher k');
    await page.click('[data-testid=scenario-add-value]');
    await page.selectOption('[data-testid=scenario-target]', 'k');
    await page.fill('[data-testid=scenario-value]', '3');
    await page.click('[data-testid=scenario-save]');
    await page.waitForSelector('[data-testid=scenario-pick][data-name="Higher k"]');
    await page.check('[data-testid=scenario-pick][data-name="Higher k"]');
    await page.selectOption('[data-testid=scenario-variables]', ['y']);
    await page.fill('[data-testid=scenario-times]', '10');
    await page.click('[data-testid=scenario-compare]');
    const row = await page.waitForSelector('[data-testid=scenario-table] tbody tr');
    // Baseline y(10) = 21, Higher k 31: 10 more, 47.6% more.
    expect((await row.$$eval('td', (tds) => tds.map((t) => t.textContent))).slice(1)).toEqual(['10', '21', '31', '10', '47.6%']);
    await shot('15-scenario-comparison');
    // Renaming the constant leaves the scenario pointing at nothing: it is flagged, not dropped.
    await replaceEditorText('model "k t"\n\nsimulation\n  start: 0\n  stop: 10\n  dt: 1\n\nconst growth = 2\n\nconst c = 1\n\naux y = growth * TIME + c\n');
    const flagged = await page.waitForSelector('[data-testid=scenario-problems]');
    expect(await flagged.textContent()).toMatch(/"k"/);
    expect(await page.$('[data-testid=scenario-pick][data-name="Higher k"]')).not.toBeNull();
  });

  it('guides a newcomer through the tutorial, checking each step as they type', async () => {
    await page.click('.topbar .brand');
    await page.click('[data-testid=start-tutorial]');
    await page.waitForSelector('[data-testid=tutorial]');
    const check = async (ok: boolean) => {
      const el = await page.waitForSelector(`[data-testid=tutorial-check][data-ok="${ok}"]`);
      return (await el.textContent()) ?? '';
    };
    // The starting model runs from 0 to 10: once it has run, step 1 says what to change.
    await page.waitForFunction(() => (document.querySelector('[data-testid=tutorial-check][data-ok=false]')?.textContent ?? '').includes('make it 2025 to 2035'));
    await shot('16-tutorial-step-1');
    // Type the fix for step 1 by hand…
    await replaceEditorText(`model "Care homes"\n\nsimulation\n  start: 2025\n  stop: 2035\n  dt: 1/4\n  save every: 1\n  time unit: year\n`);
    expect(await check(true)).toContain('runs from 2025 to 2035');
    // …then let "Show me" write each later step, and check it passes.
    for (let step = 2; step <= 8; step++) {
      await page.click('[data-testid=tutorial-next]');
      await check(false).catch(() => '');
      await page.click('[data-testid=tutorial-show]');
      const message = await check(true);
      if (step === 6) expect(message).toBe('✓ Places run out in 2032: 151 too few by 2035.');
      if (step === 7) await shot('17-tutorial-step-7');
    }
    expect(await page.textContent('[data-testid=tutorial-title]')).toBe('8. Test a strategy');
    expect(await check(true)).toContain('With a 2.2-year stay, spend in 2035 is £');
  });

  it('opens the care homes example, takes a new population table, and shows its indicators and hypothesis verdicts', async () => {
    await page.click('.topbar .brand');
    await page.click('[data-testid=example][data-id=care-homes]');
    await page.waitForSelector('[data-testid=tree-data][data-name="Population projections"]');
    // An area with more very old people: 85+ grows twice as fast as in the shipped table.
    const years = Array.from({ length: 11 }, (_, i) => 2025 + i);
    const row = (age: string, base: number, growth: number) => `Example county,${age},${years.map((y) => Math.round(base * Math.exp(growth * (y - 2025)))).join(',')}`;
    const csvPath = join(workspace, 'older-area.csv');
    writeFileSync(csvPath, [`AREA,AGE_GROUP,${years.join(',')}`, row('65-74', 54000, 0.01), row('75-84', 39000, 0.022), row('85+', 14000, 0.06)].join('\n'));
    await page.click('[data-testid=import-data]');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid=data-choose]');
    await (await chooser).setFiles(csvPath);
    await page.fill('[data-testid=data-name]', 'Population projections');
    await page.click('[data-testid=data-import-submit]');
    await page.waitForSelector('[data-testid=data-problems] .good, [data-testid=data-problems] p.good');
    await page.click('.modal-buttons button:has-text("Close")');

    await page.click('[data-testid=tab-dashboard]');
    const cell = await page.waitForSelector('[data-testid=dashboard-table][data-scenario=Baseline] [data-testid=indicator-cell][data-indicator="Long-term admissions per 100k aged 65+"][data-year="2030"]');
    // Over 605 (550 + 10%) admissions per 100,000 is red; with faster growth at 85+ even more so.
    expect(await cell.getAttribute('data-rating')).toBe('red');
    expect(Number((await cell.textContent())!.replace(/,/g, ''))).toBeGreaterThan(640);
    expect(await page.$$eval('[data-testid=dashboard-table]', (ts) => ts.map((t) => t.getAttribute('data-scenario')))).toEqual(['Baseline', 'Longer stays', 'More reablement']);
    await shot('18-indicator-dashboard');

    await page.click('[data-testid=tab-hypotheses]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=hyp-verdict]:not([data-status=pending])').length === 4);
    const verdicts = await page.$$eval('[data-testid=hyp-verdict]', (els) => els.map((e) => e.getAttribute('data-status')));
    expect(verdicts).toEqual(['supported', 'supported', 'not supported', 'not supported']);
    await page.click('.hypothesis-list li:first-child .statement');
    await page.waitForFunction(() => ((document.querySelector('[data-testid=hyp-chart]') as unknown as { data?: unknown[] } | null)?.data?.length ?? 0) >= 2);
    await shot('19-hypotheses');
  });

  it('refuses API calls without the token or from another origin', async () => {
    const body = JSON.stringify({ method: 'listProjects', args: [] });
    const noToken = await fetch(`${origin}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body });
    expect(noToken.status).toBe(403);
    const token = new URL(url).hash.replace('#token=', '');
    const wrongOrigin = await fetch(`${origin}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:1', 'x-cwb-token': token }, body });
    expect(wrongOrigin.status).toBe(403);
    const ok = await fetch(`${origin}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', origin, 'x-cwb-token': token }, body });
    expect(ok.status).toBe(200);

    // A real page on another local origin that even knows the token cannot call the API.
    const evil: Server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>other</title>'); });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    try {
      const other = await context.newPage();
      await other.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      const outcome = await other.evaluate(async ([target, t]) => {
        try {
          const res = await fetch(`${target}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cwb-token': t! }, body: JSON.stringify({ method: 'listProjects', args: [] }) });
          return `status ${res.status}`;
        } catch (e) {
          return `blocked: ${(e as Error).message}`;
        }
      }, [origin, token] as const);
      expect(outcome).toMatch(/^blocked/);
      await other.close();
    } finally {
      evil.close();
    }
    expect(pageErrors.filter((e) => !/favicon/.test(e)), pageErrors.join("\n")).toEqual([]);
  });
});
