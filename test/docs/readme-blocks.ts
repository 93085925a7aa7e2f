/** One ```bash block of the README, as a reader would paste it. */
export interface ReadmeBlock {
  /** The `## ` heading the block is under (without the hashes). */
  section: string;
  /** 1-based line of the opening fence in README.md. */
  line: number;
  code: string;
  /** Why it is not run: from a `<!-- readme-test: skip (reason) -->` line just before it, or its section's reason. */
  skip?: string;
}

const SKIP_MARKER = /^<!--\s*readme-test:\s*skip\b\s*(?:\((.*)\))?\s*-->\s*$/;
const SECTION = /^## (.+?)\s*$/;

/**
 * The ```bash blocks from the section `## <from>` through the section `## <through>` (up to the
 * next `## ` heading), in order. Blocks of the sections named in `skipSections` carry that reason.
 */
export function readmeBlocks(
  markdown: string,
  from: string,
  through: string,
  skipSections: Readonly<Record<string, string>> = {},
): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const headings = lines.map((l) => SECTION.exec(l)?.[1]);
  const start = headings.indexOf(from);
  const last = headings.indexOf(through);
  if (start < 0) throw new Error(`README.md has no section "## ${from}"`);
  if (last < start) throw new Error(`README.md has no section "## ${through}" after "## ${from}"`);
  const next = headings.findIndex((h, i) => i > last && h !== undefined);
  const end = next < 0 ? lines.length : next;

  const blocks: ReadmeBlock[] = [];
  let section = from;
  let previous = '';
  let previousLine = 0;
  for (let i = start; i < end; i++) {
    const line = lines[i];
    if (headings[i] !== undefined) section = headings[i] as string;
    if (line.startsWith('```')) {
      const close = lines.findIndex((l, j) => j > i && l.trimEnd() === '```');
      if (close < 0) throw new Error(`README.md line ${i + 1}: a code block that is never closed`);
      if (line.trimEnd() === '```bash') {
        const marker = SKIP_MARKER.exec(previous);
        if (marker && !marker[1]?.trim())
          throw new Error(`README.md line ${previousLine}: a readme-test skip needs its reason, in parentheses`);
        const skip = marker ? marker[1].trim() : skipSections[section];
        blocks.push({ section, line: i + 1, code: lines.slice(i + 1, close).join('\n'), ...(skip ? { skip } : {}) });
      }
      i = close;
      previous = '';
      continue;
    }
    if (line.trim() !== '') {
      previous = line.trim();
      previousLine = i + 1;
    }
  }
  return blocks;
}

/** The URL the README's commands use for the server. */
export const README_URL = 'http://127.0.0.1:3000';

/** The shell function the test defines in place of `npm start` (see `toRunnable`). */
export const RESTART_FUNCTION = '__readme_restart';

// `npm start`, possibly after `VAR=value` settings and before redirections or `&`: (re)starting the
// server. `npm start -- --help` and the like are ordinary commands.
const NPM_START = /^(\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)npm start(?:\s*$|\s*[<>&].*$)/;

/**
 * The block as the test runs it: the README's server URL becomes the test server's, and a line that
 * (re)starts the server calls RESTART_FUNCTION instead (keeping its `VAR=value` settings), which
 * has the test restart its server with the shell's environment and waits until that is done.
 */
export function toRunnable(code: string, baseUrl: string): { script: string; restarts: number } {
  let restarts = 0;
  const script = code
    .split('\n')
    .map((line) => {
      const match = NPM_START.exec(line);
      if (!match) return line;
      restarts++;
      return `${match[1]}${RESTART_FUNCTION}`;
    })
    .join('\n')
    .replaceAll(README_URL, baseUrl);
  return { script, restarts };
}
