// A package index on 127.0.0.1 for the tests in a real VS Code (never the internet): PEP 691
// JSON pages for a few projects, every request recorded. Started inside the extension host by the
// suites (test/vscode/suite) and by scripts/run-vscode-tests.mjs for the untrusted-workspace pass,
// whose assertion is that the index a repository names receives no request at all.
import { createServer } from 'node:http';

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';

/**
 * What the suites' indexes serve: acme-widgets 1.0 is yanked ("broken build", PEP 592), 1.1 is
 * not; eventlet has 0.20.0 and 0.20.1.
 * @type {Record<string, [version: string, yanked: boolean | string][]>}
 */
export const YANKED_RELEASES = {
  'acme-widgets': [['1.0', 'broken build'], ['1.1', false]],
  eventlet: [['0.20.0', false], ['0.20.1', false]],
};

/**
 * The simple page of one project: one wheel per release, sha256 `a…`, `b…` in release order.
 * @param {string} origin
 * @param {string} name
 * @param {[string, boolean | string][]} releases
 */
function simplePage(origin, name, releases) {
  const files = releases.map(([version, yanked], index) => ({
    filename: `${name.replace('-', '_')}-${version}-py3-none-any.whl`,
    url: `${origin}/packages/${name}-${version}.whl`,
    hashes: { sha256: String.fromCharCode(97 + index).repeat(64) },
    'upload-time': '2024-01-01T00:00:00Z',
    yanked,
  }));
  return { meta: { 'api-version': '1.1' }, name, versions: releases.map(([version]) => version), files };
}

/**
 * Starts an index on a free loopback port; `/simple/<name>/` answers for the projects in
 * `releases`, everything else is a 404.
 * @param {Record<string, [string, boolean | string][]>} [releases]
 * @returns {Promise<import('./pypi-index.d.mts').PypiIndex>}
 */
export async function startPypiIndex(releases = YANKED_RELEASES) {
  /** @type {string[]} */
  const requests = [];
  let origin = '';
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const name = /^\/simple\/([a-z0-9-]+)\/$/.exec(request.url ?? '')?.[1];
    const project = name === undefined ? undefined : Object.hasOwn(releases, name) ? releases[name] : undefined;
    if (request.method === 'GET' && name && project) {
      response.writeHead(200, { 'content-type': SIMPLE_JSON });
      response.end(JSON.stringify(simplePage(origin, name, project)));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections();
    }),
  };
}
