// `db config set` on a linked project: checked locally, shown as a diff, merged into the current
// overrides (the platform replaces them all at once) after an approval.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { approve, type LinkedTarget } from './context.js';
import { parseSettings } from './postgres-config.js';
import { CONFIG_COLUMNS, type ConfigChangeView } from './views.js';

export async function configSet(
  ctx: CommandContext,
  t: LinkedTarget,
  settings: Readonly<Record<string, string>>,
  dryRun: boolean,
  output: OutputFormat,
): Promise<CommandResult> {
  const parsed = parseSettings(settings);
  if (!parsed.ok) throw new CommandError('bad_setting', parsed.error);
  const current = await ctx.step('VALIDATE', 'read the Postgres config', () => t.api.getPostgresConfig());
  const changes: ConfigChangeView[] = Object.entries(parsed.values)
    .filter(([k, v]) => (current as Record<string, unknown>)[k] !== v)
    .map(([key, to]) => ({ key, from: (current as Record<string, unknown>)[key] ?? null, to }));
  const lines = renderOutput(output, { changes }, { rows: changes, columns: CONFIG_COLUMNS, empty: '(no change)' });
  if (changes.length === 0) return ok(`the Postgres config of project ${t.ref} already has these values`, { changes }, lines);
  const summary = `change Postgres config of project ${t.ref}: ${changes.map((c) => `${c.key} ${String(c.from ?? 'default')} -> ${String(c.to)}`).join(', ')}`;
  if (dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, changes }, lines);
  await approve(ctx, 'credentialChange', { tool: 'db config set', args: { settings: parsed.values }, target: t.ref, summary });
  // The platform replaces all overrides at once: send the current ones merged with the new.
  const merged = { ...current, ...parsed.values };
  await ctx.step('EXECUTE', 'write the Postgres config', async () => {
    await t.api.putPostgresConfig(merged);
    return { changed: changes.map((c) => c.key) };
  });
  ctx.log('success', `Postgres config updated: ${changes.map((c) => c.key).join(', ')}`);
  return ok(`Postgres config of project ${t.ref} updated (${changes.length} setting${changes.length === 1 ? '' : 's'})`, { changes }, lines);
}
