// Issue 2's peer benchmark: wrk against `bench serve`, a minimal node:http server and a bare node:net responder
// (the ceiling), keep-alive, `Connection: close` and pipelined (depth 16), printing req/s and ratios; saves
// results/bench/server-vs-node-<date>.json.
//
// Usage: node dist/bench/server-vs-node.js [--duration 10] [--connections 50] [--threads 1] [--out FILE]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../src/version.js';

interface Options {
  durationS: number;
  connections: number;
  threads: number;
  out: string | null;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { durationS: 10, connections: 50, threads: 1, out: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const num = Number(value);
    if (flag === '--duration' && num > 0) opts.durationS = num;
    else if (flag === '--connections' && Number.isInteger(num) && num > 0) opts.connections = num;
    else if (flag === '--threads' && Number.isInteger(num) && num > 0) opts.threads = num;
    else if (flag === '--out' && value !== undefined) opts.out = value;
    else {
      process.stderr.write(`server-vs-node: unknown or invalid option ${flag ?? ''} ${value ?? ''}\n`);
      process.exit(2);
    }
    i++;
  }
  return opts;
}

/** Minimal node:http peer: same 13-byte body and headers as the embedded server's `/`. */
const NODE_PEER = `
const http = require('node:http');
const body = Buffer.from('Hello, World!');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + server.address().port + '/\\n'));
process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/**
 * Bare node:net peer, the reference ceiling: no parser, it counts "\r\n\r\n" (bodyless GETs only) and writes one
 * canned response per request, all answers of one read in one write. In close mode (argv[1] === 'close') it answers
 * the first request with `Connection: close` and ends the socket (our FIN first, as the embedded server does).
 */
const NET_PEER = `
const net = require('node:net');
const close = process.argv[1] === 'close';
const head = 'HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\ncontent-length: 13\\r\\n';
const one = Buffer.from(head + (close ? 'connection: close\\r\\n' : '') + '\\r\\nHello, World!', 'latin1');
const many = [one];
for (let i = 1; i <= 64; i++) many[i] = Buffer.concat(Array(i).fill(one));
const server = net.createServer({ allowHalfOpen: true, noDelay: !close }, (socket) => {
  socket.tail = 0; // bytes of a possible "\\r\\n\\r\\n" split across reads (0..3 matched)
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
});
function onData(chunk) {
  let n = 0;
  let m = this.tail;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c === (m & 1 ? 10 : 13)) { if (++m === 4) { n++; m = 0; } }
    else m = c === 13 ? 1 : 0;
  }
  this.tail = m;
  if (n === 0 || this.ended) return;
  if (close) { this.ended = true; this.end(one); return; }
  this.write(n < many.length ? many[n] : Buffer.concat(Array(n).fill(one)));
}
function onEnd() { if (!this.ended) { this.ended = true; this.end(); } }
function onError() {}
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write('http://127.0.0.1:' + server.address().port + '/\\n'));
process.once('SIGTERM', () => process.exit(0));
`;

/** wrk Lua: every "request" is 16 requests in one write, so each connection keeps 16 in flight. */
const PIPELINE_LUA = `
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, nil) end
  req = table.concat(r)
end
request = function() return req end
`;

interface Child {
  proc: ChildProcess;
  url: string;
}

function startChild(command: string, args: string[]): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve({ proc, url: line.trim() });
    });
    proc.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited ${code} before printing its URL`)));
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGTERM');
  });
}

/** CPU time (user + system) a process has used, in µs, from /proc (Linux); null elsewhere. */
function cpuUs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ = 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

interface WrkResult {
  requestsPerSec: number;
  /** Server CPU per answered request (µs): comparable even when other work shares the machine. */
  serverCpuUsPerRequest: number | null;
  requests: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx: number;
}

function runWrk(url: string, opts: Options, extra: string[], serverPid: number | undefined): WrkResult {
  const cpuBefore = cpuUs(serverPid);
  const args = [`-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.durationS}s`, ...extra, url];
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (opts.durationS + 30) * 1000 });
  if (r.status !== 0) throw new Error(`wrk ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  const text = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  if (!Number.isFinite(rps)) throw new Error(`cannot read wrk output:\n${text}`);
  const cpuAfter = cpuUs(serverPid);
  return {
    requestsPerSec: rps,
    serverCpuUsPerRequest: cpuBefore === null || cpuAfter === null || total === 0 ? null : (cpuAfter - cpuBefore) / total,
    requests: total,
    socketErrors: { connect: Number(errs?.[1] ?? 0), read: Number(errs?.[2] ?? 0), write: Number(errs?.[3] ?? 0), timeout: Number(errs?.[4] ?? 0) },
    non2xx,
  };
}

interface Scenario {
  name: 'keep-alive' | 'close' | 'pipelined-16';
  serverMode: 'keep-alive' | 'close';
  wrkArgs: string[];
  /** The target for h1bench in this scenario. */
  target: { kind: 'ratio' | 'rps'; value: number };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (spawnSync('wrk', ['--version']).error) {
    process.stderr.write('server-vs-node: wrk is not installed (apt-get install wrk)\n');
    process.exit(1);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'h1bench-wrk-'));
  const lua = join(tmp, 'pipeline16.lua');
  writeFileSync(lua, PIPELINE_LUA);
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const scenarios: Scenario[] = [
    { name: 'keep-alive', serverMode: 'keep-alive', wrkArgs: [], target: { kind: 'ratio', value: 1.5 } },
    { name: 'close', serverMode: 'close', wrkArgs: ['-H', 'Connection: close'], target: { kind: 'ratio', value: 1.5 } },
    { name: 'pipelined-16', serverMode: 'keep-alive', wrkArgs: ['-s', lua], target: { kind: 'rps', value: 1_000_000 } },
  ];
  const rows: Array<{
    scenario: string;
    h1bench: WrkResult;
    nodeHttp: WrkResult;
    nodeNet: WrkResult;
    ratio: number;
    ratioToNet: number;
    target: string;
    met: boolean;
  }> = [];
  const startedAt = new Date();
  const loadBefore = loadavg();
  try {
    for (const s of scenarios) {
      // Fresh processes per scenario and per server, peers first, so neither inherits the other's JIT or heap.
      const node = await startChild(process.execPath, ['-e', NODE_PEER]);
      let nodeHttp: WrkResult;
      try {
        nodeHttp = runWrk(node.url, opts, s.wrkArgs, node.proc.pid);
      } finally {
        await stopChild(node);
      }
      const bare = await startChild(process.execPath, ['-e', NET_PEER, s.serverMode]);
      let nodeNet: WrkResult;
      try {
        nodeNet = runWrk(bare.url, opts, s.wrkArgs, bare.proc.pid);
      } finally {
        await stopChild(bare);
      }
      const ours = await startChild(process.execPath, [cli, 'serve', '--mode', s.serverMode, '--port', '0', '--keep-alive-timeout', '65s']);
      let h1bench: WrkResult;
      try {
        h1bench = runWrk(ours.url, opts, s.wrkArgs, ours.proc.pid);
      } finally {
        await stopChild(ours);
      }
      const ratio = h1bench.requestsPerSec / nodeHttp.requestsPerSec;
      const ratioToNet = h1bench.requestsPerSec / nodeNet.requestsPerSec;
      const met = s.target.kind === 'ratio' ? ratio >= s.target.value : h1bench.requestsPerSec >= s.target.value;
      const target = s.target.kind === 'ratio' ? `≥ ${s.target.value}× node:http` : `≥ ${s.target.value.toLocaleString('en-US')} req/s`;
      rows.push({ scenario: s.name, h1bench, nodeHttp, nodeNet, ratio, ratioToNet, target, met });
      process.stdout.write(
        `${s.name.padEnd(13)} h1bench ${fmt(h1bench.requestsPerSec)} req/s   node:http ${fmt(nodeHttp.requestsPerSec)} req/s   ` +
          `node:net ${fmt(nodeNet.requestsPerSec)} req/s   ` +
          `ratio ${ratio.toFixed(2)}× (of node:net ${ratioToNet.toFixed(2)}×)   target ${target}: ${met ? 'met' : 'NOT met'}   ` +
          `server CPU/request: h1bench ${cpu(h1bench)} node:http ${cpu(nodeHttp)} node:net ${cpu(nodeNet)}\n`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const result = {
    kind: 'server-vs-node',
    schemaVersion: 2,
    startedAt: startedAt.toISOString(),
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, kernel: release(), loadavgBefore: loadBefore, loadavgAfter: loadavg() },
    wrk: { threads: opts.threads, connections: opts.connections, durationS: opts.durationS },
    rows,
  };
  const out = opts.out ?? join(PACKAGE_ROOT, 'results', 'bench', `server-vs-node-${startedAt.toISOString().slice(0, 10)}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`saved ${out}\n`);
}

function cpu(r: WrkResult): string {
  return r.serverCpuUsPerRequest === null ? 'n/a' : `${r.serverCpuUsPerRequest.toFixed(2)} µs`;
}

function fmt(rps: number): string {
  return Math.round(rps).toLocaleString('en-US').padStart(10);
}

await main();
