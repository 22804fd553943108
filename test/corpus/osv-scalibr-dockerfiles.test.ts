/**
 * google/osv-scalibr's Dockerfile base-image extractor tests (corpus/osv-scalibr/expected.json,
 * `dockerbaseimage`): the base images it reports, as [name, version], against our FROM
 * resolution (ARG defaults for `${VAR}` and `$VAR`, scratch left out, untagged = latest,
 * a digest as the version), and the rule each FROM gets here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { familiarName } from '../../server/src/core/dockerfile/image-ref';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { imageUses } from '../../server/src/core/dockerfile/stages';
import { NO_FILES_HOST } from '../../server/src/core/host';
import type { RuleId } from '../../server/src/core/types';
import { requireCorpus } from './corpus-path';

type Case = [string, string][] | string;

/** The rule a base image gets here, from what osv-scalibr reports and how the FROM is written. */
function expectedRule(version: string, writtenTag: boolean): RuleId | undefined {
  if (version.startsWith('sha256:')) return undefined;
  if (version === 'latest') return writtenTag ? 'latest-tag' : 'untagged-image';
  return 'missing-digest';
}

describe('osv-scalibr dockerbaseimage testdata', () => {
  const corpus = requireCorpus();
  const root = join(corpus, 'osv-scalibr');
  const all = (JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { dockerbaseimage: Record<string, Case> }).dockerbaseimage;
  const cases = Object.entries(all).filter(([key]) => !key.startsWith('_'));
  let compared = 0;

  it('has the extractor cases', () => {
    assert.equal(cases.length, 8);
  });

  for (const [file, expected] of cases) {
    it(`${file}: ${typeof expected === 'string' ? expected : JSON.stringify(expected)}`, async () => {
      const text = readFileSync(join(root, file), 'utf8');
      const document = parseDockerfile(text);
      const { findings } = await analyze({ path: join(root, file), text, kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST });
      const imageFindings = findings.filter((finding) => ['untagged-image', 'latest-tag', 'missing-digest', 'unresolved-image'].includes(finding.rule));

      if (typeof expected === 'string') {
        // osv-scalibr fails on these files; there is no base image to report.
        assert.deepEqual(imageUses(document), []);
        assert.deepEqual(imageFindings, []);
        // BuildKit's parser rejects an empty file ("file with no instructions") and accepts a RUN
        // before any FROM (the build fails later, "no build stage in current context").
        assert.deepEqual(document.errors.map((error) => error.message), expected.includes('empty') ? ['file with no instructions'] : []);
        compared++;
        return;
      }

      const images = imageUses(document).filter((use) => use.kind === 'image');
      const ours = images.map((use) => {
        const reference = use.reference!;
        const version = reference.normalized.digest ?? reference.normalized.tag ?? 'latest';
        return [familiarName(reference.normalized.registry, reference.normalized.repository), version];
      });
      assert.deepEqual(ours, expected, 'the same base images');
      // scratch is no image for either tool.
      assert.equal(imageUses(document).filter((use) => use.kind !== 'image').every((use) => use.kind === 'scratch'), true);

      // Each base image gets the rule its version calls for, on its FROM line.
      const rules = images.map((use, index) => [use.instruction.range.start.line, expectedRule((expected[index] as [string, string])[1], Boolean(use.reference!.tag))]);
      assert.deepEqual(
        imageFindings.map((finding) => [finding.range.start.line, finding.rule]),
        rules.filter(([, rule]) => rule !== undefined),
      );
      compared++;
    });
  }

  it('compares every case', () => {
    assert.equal(compared, cases.length);
  });
});
