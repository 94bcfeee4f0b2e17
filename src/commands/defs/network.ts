// Ops: network restrictions (which addresses may reach the database).
import * as z from 'zod';
import { arg, defineCommand } from '../define.js';
import { dryRunFlag, outputFlag } from './shared.js';

const cidr4 = z.cidrv4();
const cidr6 = z.cidrv6();
const ip4 = z.ipv4();
const ip6 = z.ipv6();

/** One CIDR, IPv4 or IPv6; a bare address means just that address (/32 or /128). Null when invalid. */
export function normalizeCidr(text: string): string | null {
  if (cidr4.safeParse(text).success || cidr6.safeParse(text).success) return text.toLowerCase();
  if (ip4.safeParse(text).success) return `${text}/32`;
  if (ip6.safeParse(text).success) return `${text.toLowerCase()}/128`;
  return null;
}

/** One or more CIDRs, each once. */
export const cidrList = z.array(z.string()).transform((words, ctx) => {
  const out: string[] = [];
  for (const word of words) {
    const cidr = normalizeCidr(word);
    if (cidr === null) {
      ctx.addIssue({
        code: 'custom',
        input: word,
        message: `"${word.slice(0, 60)}" is not a CIDR: expected IPv4 or IPv6 CIDRs such as 203.0.113.0/24 or 2001:db8::/32`,
      });
      return z.NEVER;
    }
    if (!out.includes(cidr)) out.push(cidr);
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', input: words, message: 'no CIDR given: expected one or more such as 203.0.113.0/24' });
    return z.NEVER;
  }
  return out;
});

const cidrArg = arg('cidrs', 'rest', cidrList, {
  description: 'IPv4 or IPv6 CIDRs (a bare address means /32 or /128)',
  accepts: 'CIDRs such as 203.0.113.0/24 or 2001:db8::/32',
});

export const networkRestrictionsList = defineCommand({
  id: 'network restrictions list',
  args: [],
  flags: [outputFlag],
  summary: 'List IP restrictions',
  help: 'Shows the CIDRs allowed to reach the linked project\'s database and whether the last change is applied. Needs a linked Supabase project.',
  examples: ['network restrictions list'],
  agent: 'ops',
  approval: null,
  mode: 'query',
});

// Network rule changes can lock everyone out; they are governed like credential changes
// (credentialChange), which the default policy always asks a human for.
export const networkRestrictionsAdd = defineCommand({
  id: 'network restrictions add',
  args: [cidrArg],
  flags: [dryRunFlag, outputFlag],
  summary: 'Allow CIDRs',
  help: 'Adds the CIDRs to the allow list after an approval (credentialChange) and follows the change until it is applied.',
  examples: ['network restrictions add 203.0.113.0/24', 'network restrictions add 198.51.100.7 2001:db8::/32'],
  agent: 'ops',
  approval: 'credentialChange',
  confirm: 'dialog',
  mode: 'run',
});

export const networkRestrictionsRm = defineCommand({
  id: 'network restrictions rm',
  args: [cidrArg],
  flags: [dryRunFlag, outputFlag],
  summary: 'Remove CIDRs',
  help: 'Removes the CIDRs from the allow list after an approval (credentialChange) and follows the change until it is applied.',
  examples: ['network restrictions rm 203.0.113.0/24'],
  agent: 'ops',
  approval: 'credentialChange',
  confirm: 'dialog',
  mode: 'run',
  destructive: true,
});
