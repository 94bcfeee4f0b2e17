// The evidence for one ticket: its text, the scan findings that mention its words, and the
// source lines where those words appear.
import { OWN_DIRS } from '../../services/exec/test-runner.js';
import { gitRaw } from '../../services/git/git.js';
import { clipRedacted, defaultRedactor } from '../../services/secrets/redact.js';
import { getKv } from '../../services/state/kv.js';
import type { Ticket } from '../../services/state/tickets.js';
import { withState } from '../stage/state.js';
import type { CommandContext } from '../types.js';
import type { Finding } from './findings.js';
import { LAST_SCAN_KEY, scanProject, type ScanReport } from './scan.js';

const STOP = new Set(['the', 'and', 'but', 'not', 'are', 'for', 'with', 'that', 'this', 'from', 'into', 'when', 'then', 'says', 'record', 'created', 'generated', 'issue', 'error', 'does', 'should', 'have', 'need', 'here', 'ticket', 'fix']);

/** Words of a ticket worth searching for (singular and plural forms). */
export function keywords(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z0-9_]{2,}/g) ?? [];
  const out = new Set<string>();
  for (const w of words) {
    if (STOP.has(w)) continue;
    out.add(w);
    if (w.endsWith('s') && w.length > 4) out.add(w.slice(0, -1));
  }
  return [...out].slice(0, 12);
}

export interface Evidence {
  readonly ticket: Pick<Ticket, 'id' | 'title' | 'description' | 'kind'>;
  readonly keywords: string[];
  readonly findings: Finding[];
  readonly codeHits: string[];
  readonly scanAt: string;
}

export async function collectEvidence(ctx: CommandContext, ticket: Ticket): Promise<Evidence> {
  const recent = withState(ctx, (state) => getKv<ScanReport | null>(state, LAST_SCAN_KEY, null));
  const fresh = recent && Date.now() - Date.parse(recent.at) < 15 * 60_000 ? recent : await scanProject(ctx);
  const words = keywords(`${ticket.title} ${ticket.description}`);
  const relevant = fresh.findings.filter((f) => words.some((w) => `${f.location} ${f.message}`.toLowerCase().includes(w)));
  const codeHits: string[] = [];
  if (words.length > 0) {
    const args = ['grep', '-n', '-i', '-I', '--untracked', '--exclude-standard'];
    for (const w of words) args.push('-e', w);
    args.push('--', '.', ...OWN_DIRS.map((d) => `:!${d}`), ':!node_modules', ':!package-lock.json');
    const out = await gitRaw(ctx.root, args);
    codeHits.push(...out.stdout.split('\n').filter(Boolean).slice(0, 40).map((l) => clipRedacted(l, 200, defaultRedactor, '...')));
  }
  return {
    ticket: { id: ticket.id, title: ticket.title, description: ticket.description, kind: ticket.kind },
    keywords: words,
    findings: relevant,
    codeHits,
    scanAt: fresh.at,
  };
}
