// `agentdeck docs --write` writes docs/COMMANDS.md from the registry; `--check` fails when stale.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMANDS_DOC, renderCommandsMarkdown, writeCommandsDoc } from '../commands/docs.js';
import { findProjectRoot } from '../services/config/root.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit.js';
import type { Io } from './io.js';

export const DOCS_USAGE = 'usage: agentdeck docs --write | --check   (docs/COMMANDS.md of the project root, from the command registry)';

export function runDocs(args: readonly string[], io: Io, cwd: string): Promise<number> {
  const mode = args[0];
  if (args.length !== 1 || (mode !== '--write' && mode !== '--check' && mode !== '--help' && mode !== '-h')) {
    io.err(`agentdeck docs: expected --write or --check${args.length ? `, got "${args.join(' ')}"` : ''}`);
    io.err(DOCS_USAGE);
    return Promise.resolve(EXIT_USAGE);
  }
  if (mode === '--help' || mode === '-h') {
    io.out(DOCS_USAGE);
    return Promise.resolve(EXIT_OK);
  }
  const root = findProjectRoot(cwd);
  const path = join(root, COMMANDS_DOC);
  if (mode === '--check') {
    const fresh = existsSync(path) && readFileSync(path, 'utf8') === renderCommandsMarkdown();
    (fresh ? io.out : io.err)(fresh ? `${COMMANDS_DOC} is up to date` : `${COMMANDS_DOC} is stale: run "agentdeck docs --write"`);
    return Promise.resolve(fresh ? EXIT_OK : EXIT_FAILED);
  }
  mkdirSync(dirname(path), { recursive: true });
  io.out(`wrote ${writeCommandsDoc(root)}`);
  return Promise.resolve(EXIT_OK);
}
