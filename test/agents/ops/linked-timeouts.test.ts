// A platform that never answers: each remote read ends in one clear line within its timeout. On a
// linked project of their own (a fresh fake and client), apart from the other failure cases.
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../fakes/management-api/server.js';
import { useLinkedProject } from './linked-setup.js';

const linked = useLinkedProject({ SUPABASE_API_TIMEOUT_MS: '300', SUPABASE_API_BACKOFF_MS: '5' });

describe('a platform that never answers', () => {
  it.each([
    ['network restrictions list', { kind: 'timeout', times: 20 }],
    ['security policies list', { kind: 'timeout', times: 20 }],
    ['backup list', { kind: 'timeout', times: 20 }],
  ] as const)('%s ends in one clear line', async (line, fault) => {
    linked.fake.inject(fault as Fault);
    const r = await linked.run(line);
    expect(r.ok).toBe(false);
    expect(r.message).not.toContain('\n');
    expect(r.message).toMatch(/no answer|timed out/);
  });
});
