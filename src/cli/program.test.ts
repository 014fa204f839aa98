import { Help } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram, VERBS, verbsToLoad } from './program.js';

const NODE = ['node', 'kanary'];

describe('the verb table of the composition root', () => {
  it.each(VERBS.map((v) => [v.name, v] as const))(
    '%s: the placeholder says what the real command says',
    async (name, verb) => {
      const root = await buildProgram('all');
      const real = await verb.load(root);
      expect({ name: real.name(), term: new Help().subcommandTerm(real), description: real.description() }).toEqual({
        name,
        term: verb.term,
        description: verb.description,
      });
      expect(real.aliases()).toEqual([]);
      expect(real.summary()).toBe('');
    },
  );

  it('lists the verbs once each', () => {
    expect(new Set(VERBS.map((v) => v.name)).size).toBe(VERBS.length);
  });

  it("the root's help is the same with placeholders as with every verb built", async () => {
    const lazy = await buildProgram([...NODE]);
    const full = await buildProgram('all');
    const width = { getOutHelpWidth: () => 100 };
    expect(lazy.configureOutput(width).helpInformation()).toBe(full.configureOutput(width).helpInformation());
    expect(lazy.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
  });

  it('builds for real only the verb the command line invokes', async () => {
    const program = await buildProgram([...NODE, 'get', 'rollout', 'x', '-n', 'ns']);
    const built = program.commands.filter((c) => c.options.length > 0 || c.registeredArguments.length > 0);
    expect(built.map((c) => c.name())).toEqual(['get']);
  });
});

describe('verbsToLoad', () => {
  it.each([
    [[], []],
    [['--help'], []],
    [['-v'], []],
    [['get', 'rollout', 'x'], ['get']],
    [['--help', 'lint'], ['lint']],
    [['help', 'promote'], ['promote']],
    [['help'], ['help']],
    [['nosuchverb'], ['nosuchverb']],
  ])('%j needs %j', (args, verbs) => {
    expect([...verbsToLoad(args)]).toEqual(verbs);
  });

  it('completion needs every verb, to list their options', () => {
    expect([...verbsToLoad(['completion', 'bash'])]).toEqual(VERBS.map((v) => v.name));
  });
});
