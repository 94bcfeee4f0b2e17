// One-line usage strings generated from a command's args and flags.
import type { ArgDef, Command, FlagDef } from './define.js';

export function argUsage(a: ArgDef): string {
  let inner: string;
  if (a.usage) inner = a.usage;
  else if (a.choices) inner = a.choices.join('|');
  else if (a.kind === 'text') inner = `"<${a.name}>"`;
  else inner = `<${a.name}>`;
  if (a.kind === 'rest' && !a.usage) inner += '...';
  return a.optional ? `[${inner}]` : inner;
}

export function flagUsage(f: FlagDef): string {
  const inner = f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${f.placeholder}`;
  return f.required ? inner : `[${inner}]`;
}

/** `backup pitr restore --time <iso-time> [--dry-run]` */
export function usageLine(command: Command): string {
  return [command.id, ...command.args.map(argUsage), ...command.flags.map(flagUsage)].join(' ');
}
