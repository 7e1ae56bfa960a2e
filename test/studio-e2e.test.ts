/**
 * The web studio in a real browser: playwright-core drives Debian's chromium (headless) against
 * a server with the built studio (dist/web) and the demo material. It searches the atlas in
 * Chinese and English, adapts a melody and sees the staff and jianpu, uploads a WAV and sees the
 * pitch plot, runs an automix and downloads the mix, renders a mix with its A/B and loudness
 * meter, and switches language. Screenshots of each page go to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeWav } from '../src/audio/index.js';
import { renderDemoPerformance } from '../src/node/index.js';
import { closeServer, seedDemo, startServer, type ZhiyinServer } from '../src/server/index.js';
import { repoRoot } from './shared-data.js';
import { chromiumPath } from './tools.js';

const browserPath = chromiumPath();
const webDir = join(repoRoot, 'dist', 'web');
const shots = join(repoRoot, 'test-results');
const built = existsSync(join(webDir, 'index.html'));
if (!built && process.env.ZHIYIN_REQUIRE_TOOLS === '1')
  throw new Error('dist/web is missing: npm test builds it (npm run build).');
const why = browserPath.why || (built ? '' : ' [skipped: the studio is not built: npm run build]');

let server: ZhiyinServer & { url: string };
let browser: Browser;
let page: Page;
const dataDir = mkdtempSync(join(tmpdir(), 'zhiyin-e2e-'));

describe.skipIf(!browserPath.path || !built)(`studio in a browser${why}`, () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startServer({ dataDir, port: 0, webDir });
    await seedDemo(server, dataDir);
    browser = await chromium.launch({
      executablePath: browserPath.path!,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    });
    const context = await browser.newContext({
      locale: 'en-GB',
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server);
  });

  it('searches the atlas in Chinese and in English', async () => {
    await page.goto(`${server.url}/#/atlas`);
    await page.getByTestId('atlas-search').fill('二胡');
    await page.getByTestId('atlas-results').getByText('Erhu').first().click();
    await expect.poll(() => page.getByTestId('instrument-card').textContent()).toContain('二胡');
    expect(await page.locator('.keyboard rect').count()).toBeGreaterThan(50);
    await page.getByTestId('atlas-search').fill('pipa');
    await page.getByTestId('atlas-results').getByText('琵琶').first().click();
    await expect.poll(() => page.getByTestId('instrument-card').textContent()).toContain('Pipa');
    await page.screenshot({ path: join(shots, 'studio-atlas.png'), fullPage: true });
  });

  it('switches language', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-atlas').textContent()).toBe('乐器图谱');
    await expect
      .poll(() => page.getByTestId('instrument-card').textContent())
      .toContain('演奏技法');
    await page.screenshot({ path: join(shots, 'studio-atlas-zh.png'), fullPage: true });
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('nav-atlas').textContent()).toBe('Atlas');
  });

  it('adapts a melody and shows the staff and the jianpu', async () => {
    await page.getByTestId('nav-adapt').click();
    await expect.poll(() => page.getByTestId('adapt-text').inputValue()).toContain('K:');
    await page.getByTestId('adapt-to').selectOption('erhu');
    await page.getByTestId('adapt-go').click();
    await page.getByTestId('adapt-result').waitFor();
    await page.getByTestId('staff').locator('svg').first().waitFor();
    expect(await page.getByTestId('adapt-result').textContent()).toContain('二胡');
    expect(await page.getByTestId('jianpu').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await page.screenshot({ path: join(shots, 'studio-adapt.png'), fullPage: true });
    // A recording instead: its melody is transcribed into the box, then adapted.
    const rec = await page
      .getByTestId('adapt-recording')
      .locator('option', { hasText: 'erhu-performance.wav' })
      .getAttribute('value');
    await page.getByTestId('adapt-recording').selectOption(rec!);
    await page.getByTestId('adapt-transcribe').click();
    await expect
      .poll(() => page.getByTestId('adapt-text').inputValue(), { timeout: 60_000 })
      .toContain('<score-partwise');
    await page.getByTestId('adapt-go').click();
    await expect
      .poll(() => page.getByTestId('adapt-result').textContent())
      .toContain('Transcribed melody');
  });

  it('uploads a WAV and shows its pitch plot', async () => {
    await page.getByTestId('nav-analyse').click();
    const wav = encodeWav(renderDemoPerformance(44_100, 60), { format: 'pcm16' });
    await page
      .getByTestId('analyse-upload-file')
      .setInputFiles({ name: 'my-take.wav', mimeType: 'audio/wav', buffer: Buffer.from(wav) });
    await expect
      .poll(
        async () =>
          (await page.getByTestId('analyse-upload').locator('option:checked').textContent()) ?? '',
      )
      .toContain('my-take.wav');
    await page.getByTestId('analyse-go').click();
    await page.getByTestId('pitch-plot').waitFor();
    expect(await page.getByTestId('pitch-plot').locator('path').count()).toBeGreaterThan(0);
    const text = await page.getByTestId('analysis').textContent();
    expect(text).toMatch(/\d+ notes/);
    await page.screenshot({ path: join(shots, 'studio-analyse.png'), fullPage: true });
    // Compared with the demo performance: both contours and the effect sizes.
    const demo = await page
      .getByTestId('analyse-other')
      .locator('option', { hasText: 'erhu-performance.wav' })
      .getAttribute('value');
    await page.getByTestId('analyse-other').selectOption(demo!);
    await page.getByTestId('analyse-go').click();
    await page.getByTestId('comparison').waitFor();
    expect(await page.getByTestId('pitch-plot').locator('path').count()).toBe(2);
    expect(await page.getByTestId('comparison').textContent()).toMatch(/vibrato rate/);
    await page.screenshot({ path: join(shots, 'studio-analyse-compare.png'), fullPage: true });
  });

  it('runs an automix and downloads the mix', async () => {
    await page.getByTestId('nav-karaoke').click();
    await expect
      .poll(() => page.getByTestId('karaoke-vocal').inputValue())
      .toMatch(/^[0-9a-f]{64}$/);
    await expect
      .poll(() => page.getByTestId('karaoke-backing').inputValue())
      .toMatch(/^[0-9a-f]{64}$/);
    await page.getByTestId('karaoke-go').click();
    await page.getByTestId('karaoke-result').waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('karaoke-download').click(),
    ]);
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('RIFF');
    expect(await page.getByTestId('karaoke-result').textContent()).toMatch(/LUFS/);
    await page.screenshot({ path: join(shots, 'studio-karaoke.png'), fullPage: true });
  });

  it('renders a mix with the A/B and the loudness meter', async () => {
    await page.getByTestId('nav-mix').click();
    await page.getByTestId('mix-go').click();
    await page.getByTestId('mix-ab').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('loudness-meter').textContent()).toMatch(/Loudness/);
    await page.screenshot({ path: join(shots, 'studio-mix.png'), fullPage: true });
  });

  it('mixes an uploaded mix project whose files match the demo uploads by name', async () => {
    const project = {
      format: 'zhiyin-mix',
      version: 1,
      objects: [
        { id: 'erhu', file: 'stems/erhu-performance.wav', role: 'chinese-instrument' },
        { id: 'zheng', file: 'stems/jasmine-flower-plucked.wav', role: 'strings' },
      ],
    };
    await page.getByTestId('mix-project-file').setInputFiles({
      name: 'song.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(project)),
    });
    await expect.poll(() => page.locator('.project-files select').count()).toBe(2);
    await expect
      .poll(() =>
        page
          .locator('.project-files select')
          .evaluateAll((s) => s.map((x) => (x as unknown as { value: string }).value)),
      )
      .toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    await page.getByTestId('mix-go').click();
    await expect
      .poll(() => page.locator('.job-progress').getAttribute('data-state'), { timeout: 120_000 })
      .toBe('done');
    await page.getByTestId('mix-ab').waitFor({ timeout: 120_000 });
  });

  it('lists the jobs with their states', async () => {
    await page.getByTestId('nav-jobs').click();
    await expect
      .poll(() => page.getByTestId('jobs').locator('tr[data-state="done"]').count())
      .toBeGreaterThan(2);
    await page.screenshot({ path: join(shots, 'studio-jobs.png'), fullPage: true });
  });
});
