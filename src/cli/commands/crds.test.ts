import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crdsYaml } from '../../api/index.js';

const KANARY = fileURLToPath(new URL('../../../bin/kanary.js', import.meta.url));

function kanary(args: string[]) {
  return execa(process.execPath, [KANARY, ...args], { reject: false, timeout: 30_000 });
}

describe('kanary crds', () => {
  it('prints the CRDs', async () => {
    const r = await kanary(['crds']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.match(/^kind: CustomResourceDefinition$/gm)).toHaveLength(4);
    expect(`${r.stdout}\n`).toBe(crdsYaml());
    for (const name of ['rollouts', 'analysistemplates', 'clusteranalysistemplates', 'analysisruns']) {
      expect(r.stdout).toContain(`name: ${name}.argoproj.io`);
    }
  });
});
