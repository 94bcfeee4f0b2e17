// BugHunter's commands: scan, analyze a ticket, fix it (with a model), verify a manual fix.
import { bugsScan } from '../../commands/defs/bugs.js';
import { analyzeTicket, fixTicket, verifyTicket } from '../../commands/defs/tickets.js';
import { handle, incomplete, type CommandResult, type HandlerTable } from '../types.js';
import { countBySeverity, findingLines, sortFindings } from './findings.js';
import { scanProject } from './scan.js';
import { analyze, fix, verify } from './ticket-work.js';

export const handlers: HandlerTable = Object.fromEntries([
  handle(bugsScan, async (ctx): Promise<CommandResult> => {
    const report = await scanProject(ctx);
    const c = countBySeverity(report.findings);
    const message = `${report.findings.length} issue(s): ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low`;
    const data = { findings: sortFindings(report.findings), checks: report.checks };
    const lines = [...Object.entries(report.checks).map(([k, v]) => `  ${k}: ${v}`), '', ...findingLines(report.findings)];
    if (report.notRun.length) return incomplete(message, report.notRun, data, lines);
    return { ok: true, status: 'done', message, data, lines };
  }),
  handle(analyzeTicket, (ctx, args) => analyze(ctx, args.id)),
  handle(fixTicket, (ctx, args) => fix(ctx, args.id)),
  handle(verifyTicket, (ctx, args) => verify(ctx, args.id)),
]);
