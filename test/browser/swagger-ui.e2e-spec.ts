import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ERROR_EXAMPLES } from '../../src/common/http/swagger-examples.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, setupOwner, type Owner } from '../helpers/world.js';

/**
 * Swagger UI in a real (headless) Chromium: authorize with a session token, try two routes, and
 * check what a reader sees. CI sets REQUIRE_BROWSER=1, so a missing browser fails there; elsewhere
 * the browser part is skipped with a note on stderr.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const browserRequired = process.env.REQUIRE_BROWSER === '1';
if (!haveBrowser && !browserRequired) {
  process.stderr.write(
    `swagger-ui.e2e-spec: ${CHROMIUM} not found, skipping the browser tests (set REQUIRE_BROWSER=1 to fail instead)\n`,
  );
}
const browserDescribe = haveBrowser || browserRequired ? describe : describe.skip;

const UI_TIMEOUT = 30_000;

/** What the page scripts below use of the browser's window (the project's TypeScript has no DOM library). */
type PageWindow = {
  scrollY: number;
  innerHeight: number;
  scrollTo(x: number, y: number): void;
  scrollBy(x: number, y: number): void;
  requestAnimationFrame(callback: () => void): number;
};
const TEST_TIMEOUT = 120_000;

let t: TestApp;
let owner: Owner;

beforeAll(async () => {
  t = await startTestApp();
  owner = await setupOwner(t);
  // Listing groups needs the template_rbac feature.
  await addLicense(t, owner, ['template_rbac']);
});
afterAll(async () => {
  await t?.close();
});

describe('the error examples are what the server answers', () => {
  it('400, 401 and 404', async () => {
    const badName = await t.http
      .post('/api/v2/organizations')
      .set(auth(owner.token))
      .send({ name: 'Bad Name!' })
      .expect(400);
    expect(badName.body).toEqual(ERROR_EXAMPLES[400].value);
    expect((await t.http.get('/api/v2/users/me').expect(401)).body).toEqual(ERROR_EXAMPLES[401].value);
    const missing = await t.http
      .get('/api/v2/users/3fa85f64-5717-4562-b3fc-2c963f66afa6')
      .set(auth(owner.token))
      .expect(404);
    expect(missing.body).toEqual(ERROR_EXAMPLES[404].value);
  });
});

browserDescribe('Swagger UI in a browser', () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  beforeAll(async () => {
    if (!haveBrowser) throw new Error(`REQUIRE_BROWSER=1 but there is no browser at ${CHROMIUM}`);
    userDataDir = mkdtempSync(join(tmpdir(), 'swagger-ui-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-proxy-server',
      ],
    });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = context.pages()[0] ?? (await context.newPage());
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /**
   * Swagger UI (5.33) renders a list of 150 or more tags and operations virtually: only the part
   * near the viewport is in the page, as it is for a reader scrolling it. Scrolls from the top, half
   * a window at a time, calling `visit` at each step, until it returns true or the page ends.
   */
  async function scrollThrough(visit: () => Promise<boolean>): Promise<void> {
    await page.locator('.opblock-tag').first().waitFor();
    await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 0));
    for (let step = 0; step < 1000; step++) {
      if (await visit()) return;
      const moved = await page.evaluate(() => {
        const w = globalThis as unknown as PageWindow;
        const before = w.scrollY;
        w.scrollBy(0, Math.ceil(w.innerHeight / 2));
        return w.scrollY !== before;
      });
      if (!moved) return;
      // Let the virtualizer render the rows now in view.
      await page.evaluate(
        () =>
          new Promise((resolve) =>
            (globalThis as unknown as PageWindow).requestAnimationFrame(() => resolve(undefined)),
          ),
      );
    }
  }

  /** Key → value of what `collect` reads at each step of scrollThrough, in page order. */
  async function sweep<T>(collect: () => Promise<[string, T][]>): Promise<Map<string, T>> {
    const seen = new Map<string, T>();
    await scrollThrough(async () => {
      for (const [key, value] of await collect()) if (!seen.has(key)) seen.set(key, value);
      return false;
    });
    return seen;
  }

  /** The operation block of `method path`, scrolled to and expanded. */
  async function openOperation(method: string, path: string): Promise<Locator> {
    const block = page.locator(`.opblock.opblock-${method}`).filter({
      has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
    });
    // The virtualizer may measure rows again and re-render the block away (an expanded block above
    // it changes size): look again then.
    for (let attempt = 1; ; attempt++) {
      await scrollThrough(async () => (await block.count()) > 0);
      try {
        await block.first().scrollIntoViewIfNeeded({ timeout: 2_000 });
        break;
      } catch (err) {
        if (attempt === 5) throw err;
      }
    }
    expectCount(await block.count(), 1, `${method} ${path}`);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').click();
    await block.locator('.opblock-body').waitFor();
    return block;
  }

  function expectCount(count: number, expected: number, what: string) {
    expect({ what, count }).toEqual({ what, count: expected });
  }

  /** Try it out → Execute, then the rendered live response: status and body text. */
  async function execute(
    block: Locator,
    params: Record<string, string> = {},
  ): Promise<{ status: string; body: string }> {
    await block.locator('button.try-out__btn').click();
    for (const [name, value] of Object.entries(params)) {
      await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    await block.locator('button.execute').click();
    const live = block.locator('.live-responses-table .response');
    await live.first().waitFor();
    const status = (await live.locator('.response-col_status').first().innerText()).trim();
    const body = await live.locator('.response-col_description pre.microlight').first().innerText();
    return { status, body };
  }

  it(
    'serves the UI at /swagger/index.html, /swagger/ and /swagger',
    async () => {
      for (const path of ['/swagger/index.html', '/swagger/', '/swagger']) {
        const res = await page.goto(t.baseUrl + path);
        expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
        await page.locator('.swagger-ui .info .title').filter({ hasText: 'Coder Enterprise API' }).waitFor();
        await page.locator('.opblock-tag').first().waitFor();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    "lists SCIM once, tags in Coder's order, and plain-text summaries",
    async () => {
      await page.goto(`${t.baseUrl}/swagger`);
      // Every tag heading and operation, keyed by its place in the whole list (the virtual list's
      // data-index; the place in the page when the list is not virtual).
      type Entry = { tag?: string; method?: string; path?: string; summary?: string };
      const entries = await sweep(async () =>
        page.locator('.opblock-tag, .opblock').evaluateAll((els) =>
          els.map((el, i) => {
            const place = el.closest('.operations-virtual__item')?.getAttribute('data-index') ?? `dom-${i}`;
            const entry: Entry = el.classList.contains('opblock-tag')
              ? { tag: el.getAttribute('data-tag') ?? '' }
              : {
                  method: el.querySelector('.opblock-summary-method')?.textContent ?? '',
                  path: el.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
                  summary: el.querySelector('.opblock-summary-description')?.textContent ?? '',
                };
            return [place, entry] as [string, Entry];
          }),
        ),
      );
      const listed = [...entries.values()];
      const tags = listed.flatMap((e) => (e.tag === undefined ? [] : [e.tag]));
      expect(tags[0]).toBe('General');
      expect(tags.filter((tag) => tag === 'SCIM')).toHaveLength(1);
      expect(tags.indexOf('SCIM')).toBe(tags.indexOf('Enterprise') + 1);
      expect(tags.indexOf('Users')).toBeLessThan(tags.indexOf('Workspaces'));
      const operations = listed.filter((e) => e.path !== undefined);
      const scimPaths = operations.map((o) => o.path ?? '').filter((p) => p.includes('/scim/v2'));
      expect(scimPaths.length).toBeGreaterThan(10);
      expect(scimPaths.filter((p) => !p.startsWith('/api/v2/scim/v2/'))).toEqual([]);
      const summaries = operations.map((o) => o.summary ?? '');
      expect(summaries.length).toBeGreaterThan(100);
      expect(summaries.filter((summary) => summary.trim() === '')).toEqual([]);
      expect(summaries.filter((s) => s.includes('`'))).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows a different example for each error status',
    async () => {
      await page.goto(`${t.baseUrl}/swagger`);
      const block = await openOperation('post', '/api/v2/organizations');
      const example = (status: string) =>
        block.locator(`tr.response[data-code="${status}"] .response-col_description .microlight`).first().innerText();
      const shown = Object.fromEntries(
        await Promise.all(['400', '401', '403', '409'].map(async (s) => [s, await example(s)])),
      );
      expect(JSON.parse(shown['400'])).toEqual(ERROR_EXAMPLES[400].value);
      expect(JSON.parse(shown['401'])).toEqual(ERROR_EXAMPLES[401].value);
      expect(JSON.parse(shown['403'])).toEqual(ERROR_EXAMPLES[403].value);
      expect(JSON.parse(shown['409'])).toEqual(ERROR_EXAMPLES[409].value);
      expect(new Set(Object.values(shown)).size).toBe(4);
      // The success response has a description too.
      expect(
        (await block.locator('tr.response[data-code="201"] .response-col_description').innerText()).trim(),
      ).not.toBe('');
    },
    TEST_TIMEOUT,
  );

  it(
    'authorizes with a session token and runs requests from the page',
    async () => {
      await page.goto(`${t.baseUrl}/swagger`);
      await page.locator('.auth-wrapper button.authorize').click();
      const dialog = page.locator('.modal-ux');
      const scheme = dialog.locator('.auth-container').filter({ hasText: 'Coder-Session-Token' });
      await scheme.locator('input[type="text"], input[type="password"]').first().fill(owner.token);
      await scheme.locator('button[type="submit"]').click();
      await scheme.locator('h6').filter({ hasText: 'Authorized' }).waitFor();
      await dialog.locator('button.btn-done').click();
      await dialog.waitFor({ state: 'detached' });

      const entitlements = await execute(await openOperation('get', '/api/v2/entitlements'));
      expect(entitlements.status).toBe('200');
      expect(entitlements.body).toContain('"features"');
      expect(entitlements.body).toContain('"template_rbac"');

      const groups = await execute(await openOperation('get', '/api/v2/organizations/{organization}/groups'), {
        organization: owner.orgId,
      });
      expect(groups.status).toBe('200');
      expect(groups.body.trimStart().startsWith('[')).toBe(true);
      expect(groups.body).toContain('"Everyone"');
    },
    TEST_TIMEOUT,
  );
});
