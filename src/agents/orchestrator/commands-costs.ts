// `costs`: what the model runs cost, from the cost each run recorded (recordModelUse). A run that
// used a model (it has a session) but reported no cost ran on an account that reports none, such
// as a Claude subscription: it is counted as n/a, never as free.
import { costs } from '../../commands/defs/runs.js';
import { renderOutput } from '../../services/format/output.js';
import { handle, ok, type HandlerTable } from '../types.js';
import { engineOf } from './internals.js';

interface Group {
  readonly key: string;
  readonly runs: number;
  readonly usd: number;
  /** Runs that used a model and reported no cost. */
  readonly unpriced: number;
}

const usd = (n: number): string => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
const groupLine = (g: Group): string =>
  `  ${g.key.padEnd(14)} ${usd(g.usd).padStart(9)}  ${g.runs} run${g.runs === 1 ? '' : 's'}${g.unpriced ? `, ${g.unpriced} n/a (subscription)` : ''}`;

export const handlers: HandlerTable = Object.fromEntries([
  handle(costs, (ctx, args) => {
    const state = engineOf(ctx).state;
    const since = new Date(Date.now() - (args.days - 1) * 86_400_000).toISOString().slice(0, 10);
    // Only runs that used a model: a cost, or a session without one.
    const groups = (by: string): Group[] =>
      state.db
        .prepare(
          `SELECT ${by} AS key, count(*) AS runs, coalesce(sum(cost_usd), 0) AS usd, sum(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced
           FROM runs WHERE created_at >= ? AND (cost_usd IS NOT NULL OR session_id IS NOT NULL) GROUP BY key ORDER BY key`,
        )
        .all(since) as unknown as Group[];
    const days = groups('substr(created_at, 1, 10)');
    const agents = groups('agent');
    const tickets = groups("coalesce(ticket_id, '(no ticket)')");
    const total: Group = days.reduce((t, d) => ({ key: 'total', runs: t.runs + d.runs, usd: t.usd + d.usd, unpriced: t.unpriced + d.unpriced }), { key: 'total', runs: 0, usd: 0, unpriced: 0 });
    const span = args.days === 1 ? 'today' : `in the last ${args.days} days`;
    const message =
      total.runs === 0
        ? `No model runs ${span}`
        : `Model cost ${span}: ${usd(total.usd)} over ${total.runs} run${total.runs === 1 ? '' : 's'}${total.unpriced ? ` (${total.unpriced} n/a: the account reports no cost)` : ''}`;
    const data = { since, total, days, agents, tickets };
    return Promise.resolve(
      ok(
        message,
        data,
        renderOutput(args.output, data, {
          lines: () => (total.runs === 0 ? [] : ['By day:', ...days.map(groupLine), 'By agent:', ...agents.map(groupLine), 'By ticket:', ...tickets.map(groupLine)]),
        }),
      ),
    );
  }),
]);
