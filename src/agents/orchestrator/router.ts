// The deterministic intent router for free text: scores every command of the registry and a few
// intents (fix, deploy, migrate, backup...) by the words and phrases the text uses, builds the
// command line it would run, and reports how sure it is. Below the gate it asks instead of guessing.
import type { CommandSpec, ParseResult } from '../../commands/types.js';
import { MIN_CONFIDENCE } from './gates.js';

export interface RouteCandidate {
  readonly commandId: string;
  /** The line it would run; null when it needs something the text does not say. */
  readonly line: string | null;
  /** 0..100. */
  readonly score: number;
  readonly why: string;
}

export interface Route {
  readonly confidence: number;
  readonly best: RouteCandidate | null;
  readonly candidates: readonly RouteCandidate[];
}

interface Intent {
  readonly words: readonly string[];
  /** Builds the line from what the text names (ticket id, environment, quoted text). */
  readonly build: (found: Found, text: string) => { commandId: string; line: string | null };
}

interface Found {
  readonly ticket: string | null;
  readonly env: 'staging' | 'production' | null;
  readonly quoted: string | null;
}

const TICKET = /\b([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+)\b/i;

const INTENTS: readonly Intent[] = [
  { words: ['fix', 'bug', 'broken', 'error', 'crash', 'failing', 'issue'], build: (f, t) => (f.ticket ? { commandId: 'fix ticket', line: `fix ticket ${f.ticket}` } : { commandId: 'create ticket', line: `create ticket ${quote(t)}` }) },
  { words: ['analyze', 'analyse', 'investigate', 'diagnose', 'why'], build: (f) => ({ commandId: 'analyze ticket', line: f.ticket ? `analyze ticket ${f.ticket}` : null }) },
  { words: ['deploy', 'ship', 'release', 'publish'], build: (f) => ({ commandId: 'deploy', line: f.env ? `deploy ${f.env}` : null }) },
  { words: ['migrate', 'migration', 'schema', 'table', 'column', 'index'], build: (f, t) => ({ commandId: 'migrate', line: `migrate ${quote(f.quoted ?? t)}` }) },
  { words: ['backup', 'snapshot', 'dump'], build: () => ({ commandId: 'backup create', line: 'backup create' }) },
  { words: ['rollback', 'revert', 'undo'], build: (f) => ({ commandId: 'rollback', line: f.ticket ? `rollback ${f.ticket}` : null }) },
  { words: ['scan', 'bugs', 'lint'], build: () => ({ commandId: 'bugs scan', line: 'bugs scan' }) },
  { words: ['health', 'healthy', 'up', 'down', 'status'], build: () => ({ commandId: 'health', line: 'health' }) },
];

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '').slice(0, 400)}"`;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9_-]*/g) ?? [];
}

function findArgs(text: string): Found {
  const lower = text.toLowerCase();
  const env = /\bproduction\b|\bprod\b/.test(lower) ? 'production' : /\bstaging\b|\bstage\b/.test(lower) ? 'staging' : null;
  const q = /"([^"]+)"/.exec(text);
  return { ticket: TICKET.exec(text)?.[1]?.toUpperCase() ?? null, env, quoted: q?.[1] ?? null };
}

/** Where `phrase` occurs as consecutive words of `ws`, or -1. */
function phraseAt(ws: readonly string[], phrase: readonly string[]): number {
  outer: for (let i = 0; i + phrase.length <= ws.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (ws[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}

export function route(text: string, commands: readonly CommandSpec[], parse: (line: string) => ParseResult): Route {
  const ws = words(text);
  const found = findArgs(text);
  const candidates: RouteCandidate[] = [];
  const parses = (line: string | null): boolean => {
    if (!line) return false;
    const p = parse(line);
    return p.ok && p.kind === 'command';
  };

  // A command's own words, in order, are the strongest signal: "please run a bugs scan".
  for (const spec of commands) {
    const id = spec.id.split(' ');
    const at = phraseAt(ws, id);
    const present = id.filter((w) => ws.includes(w)).length;
    if (present === 0) continue;
    let score: number;
    let line: string | null = null;
    if (at >= 0) {
      const rest = text.split(/\s+/).slice(at + id.length).join(' ');
      // Only the words as written: dropping ones that do not parse could change the meaning.
      line = [spec.id, rest].filter(Boolean).join(' ');
      if (!parses(line)) line = null;
      score = line ? 97 : 80;
    } else {
      score = Math.round((present / id.length) * (id.length > 1 ? 70 : 50));
    }
    candidates.push({ commandId: spec.id, line, score, why: at >= 0 ? `names "${spec.id}"` : `mentions ${present}/${id.length} words of "${spec.id}"` });
  }

  // Intents: the kind of work the text asks for.
  for (const intent of INTENTS) {
    const hits = intent.words.filter((w) => ws.includes(w));
    if (hits.length === 0) continue;
    const built = intent.build(found, text);
    const line = parses(built.line) ? built.line : null;
    // A named ticket or environment makes the intent concrete; words alone stay below the gate.
    const concrete = line !== null && ((found.ticket !== null && line.includes(found.ticket)) || (found.env !== null && line.includes(found.env)));
    const score = Math.min(concrete ? 96 : 60 + hits.length * 5, 99);
    candidates.push({ commandId: built.commandId, line, score, why: `intent ${hits.join('/')}${concrete ? ' with its target named' : ''}` });
  }

  const best = new Map<string, RouteCandidate>();
  for (const c of candidates) {
    const prev = best.get(c.commandId);
    if (!prev || c.score > prev.score) best.set(c.commandId, c);
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score);
  const top = ranked[0] ?? null;
  const second = ranked[1];
  let confidence = top ? top.score : 0;
  // Two different commands that fit almost as well: not sure which one is meant.
  if (top && second && second.score >= top.score - 3 && second.line !== top.line) confidence = Math.min(confidence, 90);
  if (top && top.line === null) confidence = Math.min(confidence, 90);
  return { confidence, best: top, candidates: ranked.slice(0, 5) };
}

export function confident(r: Route): boolean {
  return r.confidence >= MIN_CONFIDENCE && r.best?.line !== null && r.best !== null;
}

/** One line asking for clarification, listing the likely commands. */
export function clarification(r: Route): string {
  const likely = r.candidates.slice(0, 3).map((c) => `"${c.line ?? c.commandId}"`);
  const list = likely.length ? `: did you mean ${likely.join(' or ')}?` : ': try `help` for the commands';
  return `Not sure what to do (confidence ${r.confidence}%, needs ${MIN_CONFIDENCE}%)${list}`;
}
