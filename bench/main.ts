/**
 * `npm run bench` (after bench/run.mjs has built the bundles and the .vsix): every row of
 * bench/README.md measured in one run on this machine, one table printed, bench/results.json
 * written. Exits 0 whether targets are met or missed (the table says which); non-zero only when
 * a measurement could not be made.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { activationTimes } from './activation';
import { lookupsRow, type LookupsRow } from './lookups';
import { median, round } from './measure';
import { dockerfileRow, requirementsRow } from './parsing';
import { bareNodeTimes, footprint, keystrokeRows, serverStartTimes } from './server';

const ROOT = resolve(__dirname, '..');
const CORPUS = resolve(process.env.PIN_HYGIENE_CORPUS ?? resolve(ROOT, '../shared/corpus'));

interface Check {
  row: string;
  measured: string;
  /** What it is compared with, and the ratio when there is one. */
  against: string;
  ratio?: string;
  target: string;
  status: 'PASS' | 'MISS' | 'n/a';
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const ms = (value: number) => (value >= 100 ? `${Math.round(value)} ms` : `${round(value, value >= 10 ? 1 : 2)} ms`);
const mb = (bytes: number) => `${round(bytes / (1024 * 1024), 1)} MB`;
const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
const times = (value: number) => `${value >= 10 ? Math.round(value) : round(value, 2)}×`;
const status = (ok: boolean): Check['status'] => (ok ? 'PASS' : 'MISS');

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) throw new Error(`corpus not found at ${CORPUS}: set PIN_HYGIENE_CORPUS`);
  const startedAt = new Date();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((value) => round(value, 2)),
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
  if (process.argv.includes('--keystroke')) {
    // Row 3 alone, printed, results.json left as it is.
    for (const k of await keystrokeRows(CORPUS, log)) console.log(`${k.file} ${k.lines} lines: p50 ${ms(k.p50)}, p95 ${ms(k.p95)}; ${k.fullReports} of ${k.edits} full reports, their p95 ${ms(k.fullP95)}; ${k.diagnostics} diagnostics (${kb(k.reportBytes)} a report)`);
    return;
  }
  if (process.argv.includes('--lookups')) {
    // Row 4 alone, printed, results.json left as it is.
    for (const index of ['simple', 'pypi'] as const) {
      const l = await lookupsRow(index);
      console.log(`${index}: cold ${l.coldRuns.map(ms).join(', ')} (median ${ms(l.coldMs)}), ${l.coldRequests} requests, at most ${l.maxConcurrent} in flight (ms with 0…${l.maxConcurrent} in flight per run: ${l.inFlightMs.map((run) => run.join('/')).join(', ')}), bound ${ms(l.requestBoundMs)}, ${times(l.coldMs / l.requestBoundMs)}; warm ${ms(l.warmMs)}, ${l.warmRequests} requests`);
    }
    return;
  }
  if (process.argv.includes('--footprint')) {
    // The RSS row alone, printed, results.json left as it is.
    const memory = await footprint(CORPUS, 100);
    const both = (row: { rssIdle?: number; rssAfter?: number } | undefined) => `idle ${row?.rssIdle === undefined ? 'n/a' : mb(row.rssIdle)}, after ${memory.files} files ${row?.rssAfter === undefined ? 'n/a' : mb(row.rssAfter)}`;
    console.log(`server RSS ${both(memory)} (first session, without a code cache: ${both(memory.first)})`);
    return;
  }
  if (process.argv.includes('--startup')) {
    // The start-up row alone, printed, results.json left as it is.
    const serverStart = await serverStartTimes(7);
    const bareNode = await bareNodeTimes(7);
    console.log(`server start → initialize result: median ${ms(median(serverStart))} (${serverStart.map(ms).join(', ')}); bare \`node -e 0\` median ${ms(median(bareNode))}`);
    return;
  }

  // Sizes and the rows that run the built server first, while the bundles are the production ones bench/run.mjs just built.
  const size = (file: string) => (existsSync(join(ROOT, file)) ? statSync(join(ROOT, file)).size : undefined);
  const bundles = { 'dist/extension.js': size('dist/extension.js'), 'dist/server.js': size('dist/server.js'), 'dist/server-main.js': size('dist/server-main.js'), 'dist/cli.js': size('dist/cli.js'), 'dist/pin-hygiene.vsix': size('dist/pin-hygiene.vsix') };
  log('start-up: server start to initialize result (1 warm-up, 7 runs)');
  const serverStart = await serverStartTimes(7);
  const bareNode = await bareNodeTimes(7);
  log('start-up: extension activation (1 warm-up, 5 runs)');
  const activation = await activationTimes(5);
  log('footprint: server RSS after opening 100 files');
  const memory = await footprint(CORPUS, 100);
  const keystrokes = await keystrokeRows(CORPUS, log);
  log('lookups: 200 projects, 50 ms latency, index without JSON API, then with (PyPI-like); 3 cold runs each');
  const lookups: LookupsRow[] = [await lookupsRow('simple'), await lookupsRow('pypi')];
  const requirements = await requirementsRow(CORPUS, 50_000, log);
  const dockerfile = await dockerfileRow(CORPUS, 4_000, log);

  const checks: Check[] = [];
  const r = requirements;
  checks.push({
    row: `1 requirements, ${r.lines.toLocaleString('en')} lines: parse + offline rules`,
    measured: ms(r.ours),
    against: `pip-requirements-js ${ms(r.pipRequirementsJs)}`,
    ratio: times(r.pipRequirementsJs / r.ours),
    target: '≥ 100× faster',
    status: status(r.pipRequirementsJs / r.ours >= 100),
  });
  checks.push(r.pip === undefined
    ? { row: '', measured: ms(r.ours), against: `pip: not available (${r.pipUnavailable ?? ''})`, target: '≥ 100× faster', status: 'n/a' }
    : {
      row: '',
      measured: ms(r.ours),
      against: `pip ${r.pipVersion ?? ''} parse_requirements ${ms(r.pip)}`,
      ratio: times(r.pip / r.ours),
      target: '≥ 100× faster',
      status: status(r.pip / r.ours >= 100),
    });
  if (r.pipWithRequirements !== undefined) {
    checks.push({ row: '', measured: ms(r.ours), against: `pip + install_req_from_parsed_requirement ${ms(r.pipWithRequirements)}`, ratio: times(r.pipWithRequirements / r.ours), target: '(information)', status: 'n/a' });
  }
  checks.push({ row: '', measured: ms(r.ours), against: `split + regex floor ${ms(r.floor)}`, ratio: `${times(r.ours / r.floor)} the floor`, target: '≤ 10× the floor', status: status(r.ours / r.floor <= 10) });
  checks.push({ row: '  (parse only, no rules)', measured: ms(r.oursParseOnly), against: `split + regex floor ${ms(r.floor)}`, ratio: `${times(r.oursParseOnly / r.floor)} the floor`, target: '(information)', status: 'n/a' });
  const d = dockerfile;
  checks.push({
    row: `2 Dockerfile, ${d.stages.toLocaleString('en')} stages (${d.lines.toLocaleString('en')} lines): analysis`,
    measured: ms(d.ours),
    against: `dockerfile-ast parse ${ms(d.dockerfileAst)}`,
    ratio: `${times(d.ours / d.dockerfileAst)} its time`,
    target: '≤ 1.2× its time',
    status: status(d.ours / d.dockerfileAst <= 1.2),
  });
  for (const k of keystrokes) {
    checks.push({
      row: `3 keystroke → diagnostics, ${k.file} ${k.lines.toLocaleString('en')} lines`,
      measured: `p50 ${ms(k.p50)}, p95 ${ms(k.p95)}`,
      against: `${k.edits} edits, ${k.fullReports} full reports (p95 ${ms(k.fullP95)}), the rest unchanged; ${k.diagnostics} diagnostics (${kb(k.reportBytes)} a report)`,
      target: k.file === 'requirements' ? 'p95 ≤ 15 ms' : '(information)',
      status: k.file === 'requirements' ? status(k.p95 <= 15) : 'n/a',
    });
  }
  for (const l of lookups) {
    const label = l.index === 'simple' ? 'index without JSON API (1 request/project)' : `PyPI-like index (${round(l.coldRequests / l.projects, 1)} requests/project)`;
    checks.push({
      row: `4 lookups, ${l.projects} projects, ${l.latencyMs} ms latency: ${label}`,
      measured: `${ms(l.coldMs)} (${l.found} found, ${l.coldRequests} requests)`,
      against: `bound ceil(${l.index === 'simple' ? l.projects : l.coldRequests}/${l.perHostConnections})×${l.latencyMs} ms = ${ms(l.requestBoundMs)}`,
      ratio: times(l.coldMs / l.requestBoundMs),
      target: '≤ 1.3× the bound',
      status: status(l.coldMs / l.requestBoundMs <= 1.3),
    });
    checks.push({ row: '  warm (same lookups again)', measured: `${ms(l.warmMs)}, ${l.warmRequests} requests`, against: '', target: '0 requests', status: status(l.warmRequests === 0) });
  }
  const start = median(serverStart);
  checks.push({ row: '5 server start → initialize result', measured: ms(start), against: `node dist/server.js --stdio (code cache written by the warm-up start); bare \`node -e 0\` ${ms(median(bareNode))}`, target: '≤ 150 ms', status: status(start <= 150) });
  if (activation.ok) {
    checks.push({ row: '  extension activation', measured: ms(median(activation.times)), against: activation.what, target: '(information)', status: 'n/a' });
  } else {
    checks.push({ row: '  extension activation', measured: 'not measured', against: activation.reason, target: '(information)', status: 'n/a' });
  }
  checks.push({
    row: `  server RSS after ${memory.files} files`,
    measured: memory.rssAfter === undefined ? 'not available' : mb(memory.rssAfter),
    against: memory.rssIdle === undefined ? '' : `${mb(memory.rssIdle)} idle (second session; the first, without a code cache: ${memory.first?.rssAfter === undefined ? 'n/a' : mb(memory.first.rssAfter)})`,
    target: '≤ 80 MB',
    status: memory.rssAfter === undefined ? 'n/a' : status(memory.rssAfter <= 80 * 1024 * 1024),
  });
  for (const [file, bytes] of Object.entries(bundles)) {
    const vsix = file.endsWith('.vsix');
    checks.push({ row: `  size ${file}`, measured: bytes === undefined ? 'missing' : vsix ? mb(bytes) : kb(bytes), against: '', target: vsix ? '≤ 1 MB' : '(information)', status: vsix ? (bytes === undefined ? 'MISS' : status(bytes <= 1024 * 1024)) : 'n/a' });
  }

  const finishedAt = new Date();
  const results = {
    startedAt: startedAt.toISOString(),
    seconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => round(value, 2)) },
    requirements,
    dockerfile,
    keystrokes,
    lookups,
    serverStart: { medianMs: start, runs: serverStart, bareNodeMedianMs: median(bareNode), bareNodeRuns: bareNode },
    activation,
    memory,
    bundles,
    checks,
  };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(checks);
  console.log(`\n${checks.filter((check) => check.status === 'PASS').length} met, ${checks.filter((check) => check.status === 'MISS').length} missed; machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverageAtStart.join(' ')} → ${results.machine.loadAverageAtEnd.join(' ')}; ${results.seconds} s. bench/results.json written.`);
}

function printTable(checks: Check[]): void {
  const header = ['row', 'measured', 'against', 'ratio', 'target', ''];
  const rows = checks.map((check) => [check.row, check.measured, check.against, check.ratio ?? '', check.target, check.status === 'n/a' ? '' : check.status]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' │ ').trimEnd();
  console.log(line(header));
  console.log(widths.map((width) => '─'.repeat(width)).join('─┼─'));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
