import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { KanaryError } from '../../../common/index.js';
import type { CliContext } from './context.js';

/** The words completion offers, from the program's own command tree (so new verbs complete without edits here). */
export interface CompletionTree {
  commands: { name: string; subcommands: string[]; options: string[] }[];
  globalOptions: string[];
}

export function completionTree(root: CommandUnknownOpts): CompletionTree {
  return {
    commands: root.commands.map((c) => ({
      name: c.name(),
      subcommands: c.commands.map((s) => s.name()),
      options: c.options.flatMap((o) => [o.short, o.long].filter((x): x is string => x !== undefined)),
    })),
    globalOptions: root.options.flatMap((o) => [o.short, o.long].filter((x): x is string => x !== undefined)),
  };
}

/** A bash completion script: `source <(kanary completion bash)`. */
export function bashCompletion(tree: CompletionTree): string {
  const cases = tree.commands
    .map((c) => `    ${c.name}) words="${[...c.subcommands, ...c.options].join(' ')}" ;;`)
    .join('\n');
  return `# kanary bash completion; load with: source <(kanary completion bash)
_kanary() {
  local cur cmd words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${tree.commands.map((c) => c.name).join(' ')} ${tree.globalOptions.join(' ')}"
  else
    case "$cmd" in
${cases}
    *) words="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _kanary kanary
`;
}

/** A zsh completion script: `source <(kanary completion zsh)` (uses bashcompinit under zsh). */
export function zshCompletion(tree: CompletionTree): string {
  return `#compdef kanary
# kanary zsh completion; load with: source <(kanary completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(tree)}`;
}

export function completionCommand(ctx: () => CliContext, root: () => CommandUnknownOpts) {
  return new Command('completion')
    .description('print a shell completion script: source <(kanary completion bash|zsh)')
    .argument('<shell>', 'bash or zsh')
    .action((shell) => {
      const tree = completionTree(root());
      if (shell === 'bash') ctx().out.write(bashCompletion(tree));
      else if (shell === 'zsh') ctx().out.write(zshCompletion(tree));
      else throw new KanaryError('BAD_USAGE', `no completion for shell "${shell}"; use bash or zsh`);
    });
}
