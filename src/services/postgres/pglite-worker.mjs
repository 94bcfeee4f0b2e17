// The PGlite worker: owns one PGlite instance so its queries (which block the thread they run on)
// never block the dashboard's event loop. Plain JavaScript on purpose: Node loads it as is, from
// the source tree and from dist/, without a TypeScript loader in the worker.
//
// Protocol (one message in, one message out, matched by id):
//   in:  { id, op: 'query', sql, params } | { id, op: 'exec', sql } | { id, op: 'dump', compression? } | { id, op: 'close' }
//   out: { id, ok: true, result } | { id, ok: false, error: { message, code, position, detail, hint } }
// At start it posts { ready: true } or { ready: false, error }.
import { Blob } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @param {unknown} err */
function toError(err) {
  const e = /** @type {Record<string, unknown>} */ (err && typeof err === 'object' ? err : {});
  const position = e.position === undefined ? undefined : Number(e.position);
  return {
    message: err instanceof Error ? err.message : String(err),
    code: typeof e.code === 'string' ? e.code : undefined,
    position: Number.isFinite(position) ? position : undefined,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
  };
}

/** @param {{ rows: unknown[], rowCount?: number, affectedRows?: number, command?: string, fields: { name: string }[] }} r */
function toResult(r) {
  return {
    rows: r.rows,
    rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length,
    command: r.command ?? '',
    fields: r.fields.map((f) => ({ name: f.name })),
  };
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.mjs must run in a worker thread');

/** @type {PGlite} */
let db;
try {
  const options = {};
  if (workerData.loadDataDir) options.loadDataDir = new Blob([workerData.loadDataDir]);
  // Compiled once by the parent thread (WebAssembly.Module is shareable between threads).
  if (workerData.wasm) {
    options.pgliteWasmModule = workerData.wasm.pglite;
    options.initdbWasmModule = workerData.wasm.initdb;
  }
  db = await PGlite.create(workerData.dataDir ?? 'memory://', options);
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ ready: false, error: toError(err) });
  process.exit(0);
}

port.on('message', async (msg) => {
  try {
    let result;
    if (msg.op === 'query') result = toResult(await db.query(msg.sql, msg.params ?? []));
    else if (msg.op === 'exec') result = (await db.exec(msg.sql)).map(toResult);
    else if (msg.op === 'dump') {
      const blob = await db.dumpDataDir(msg.compression === 'none' ? 'none' : 'gzip');
      result = new Uint8Array(await blob.arrayBuffer());
    } else if (msg.op === 'close') {
      await db.close();
      result = null;
    } else throw new Error(`unknown operation ${String(msg.op)}`);
    port.postMessage({ id: msg.id, ok: true, result });
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: toError(err) });
  }
});
