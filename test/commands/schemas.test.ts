// The compound validators also guard callers that skip the parser (MCP tools pass args objects).
import { describe, expect, it } from 'vitest';
import { configPairs } from '../../src/commands/defs/db.js';
import { cidrList, normalizeCidr } from '../../src/commands/defs/network.js';
import { jsonObject } from '../../src/commands/defs/integrations.js';
import { approveTarget } from '../../src/commands/defs/runs.js';
import { isoTime } from '../../src/commands/defs/backup.js';
import { agentName, ticketId } from '../../src/commands/defs/shared.js';

function messageOf(result: { success: boolean; error?: { issues: readonly { message: string }[] } }): string | undefined {
  return result.success ? undefined : result.error?.issues[0]?.message;
}

describe('compound validators', () => {
  it('refuse empty lists with a clear message', () => {
    expect(messageOf(configPairs.safeParse([]))).toBe('no settings given: expected key=value pairs such as max_connections=200');
    expect(messageOf(cidrList.safeParse([]))).toBe('no CIDR given: expected one or more such as 203.0.113.0/24');
    expect(configPairs.parse(['work_mem=64MB', 'search_path=public,extensions'])).toEqual({ work_mem: '64MB', search_path: 'public,extensions' });
  });

  it('normalize CIDRs and bare addresses', () => {
    expect(normalizeCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(normalizeCidr('192.0.2.1')).toBe('192.0.2.1/32');
    expect(normalizeCidr('2001:DB8::1')).toBe('2001:db8::1/128');
    expect(normalizeCidr('2001:db8::/129')).toBeNull();
    expect(normalizeCidr('256.0.0.1')).toBeNull();
    expect(normalizeCidr('10.0.0.0/8; rm -rf /')).toBeNull();
  });

  it('read JSON objects, approval targets, times, ticket ids and agent names', () => {
    expect(jsonObject.parse(undefined)).toEqual({});
    expect(jsonObject.parse(['{"a":', '1}'])).toEqual({ a: 1 });
    expect(jsonObject.safeParse(['null']).success).toBe(false);
    expect(approveTarget.parse(['to', 'staging'])).toBe('staging');
    expect(approveTarget.parse([])).toBeUndefined();
    expect(approveTarget.safeParse(['deploy', 'to']).success).toBe(false);
    expect(isoTime.parse('2026-01-02T03:04:05.678-01:00')).toBe('2026-01-02T04:04:05.678Z');
    expect(isoTime.safeParse('2026-02-30T00:00:00Z').success).toBe(false);
    expect(ticketId.parse('ai-est-142')).toBe('AI-EST-142');
    expect(ticketId.safeParse('BUG_2026').success).toBe(false);
    expect(agentName.parse('BugHunter')).toBe('bughunter');
    expect(agentName.safeParse('ops-x').success).toBe(false);
  });
});
