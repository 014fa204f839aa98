/**
 * The syntax tree of a condition. Every node carries `pos`, the UTF-16 offset in the source where it starts (for
 * operators: where the operator token is), which is what errors point at.
 */
export type Node =
  | { readonly type: 'nil'; readonly pos: number }
  | { readonly type: 'bool'; readonly value: boolean; readonly pos: number }
  | { readonly type: 'int'; readonly value: bigint; readonly pos: number }
  | { readonly type: 'float'; readonly value: number; readonly pos: number }
  | { readonly type: 'string'; readonly value: string; readonly pos: number }
  | { readonly type: 'ident'; readonly name: string; readonly pos: number }
  /** `#` (name ''), `#index`, `#acc` or a named pointer inside a predicate. */
  | { readonly type: 'pointer'; readonly name: string; readonly pos: number }
  | { readonly type: 'unary'; readonly op: string; readonly operand: Node; readonly pos: number }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node; readonly pos: number }
  | MemberNode
  | {
      readonly type: 'slice';
      readonly object: Node;
      readonly from: Node | null;
      readonly to: Node | null;
      readonly pos: number;
    }
  /** A call of a function from the environment (`asInt(x)`) or a plain builtin (`len(x)`). */
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[]; readonly pos: number }
  /** `x.name(args)`: expr resolves methods on Go types; Kanary values have none. */
  | {
      readonly type: 'method';
      readonly object: Node;
      readonly name: string;
      readonly args: readonly Node[];
      readonly pos: number;
    }
  /** A builtin taking a collection and a predicate closure: all, any, none, one, filter, map, count, ... */
  | {
      readonly type: 'predicate';
      readonly name: string;
      readonly collection: Node;
      readonly body: Node | null;
      readonly pos: number;
    }
  | {
      readonly type: 'conditional';
      readonly cond: Node;
      readonly then: Node;
      readonly else: Node;
      readonly pos: number;
    }
  | { readonly type: 'array'; readonly items: readonly Node[]; readonly pos: number }
  | {
      readonly type: 'map';
      readonly entries: readonly { readonly key: Node; readonly value: Node }[];
      readonly pos: number;
    }
  | { readonly type: 'let'; readonly name: string; readonly value: Node; readonly body: Node; readonly pos: number };

export interface MemberNode {
  readonly type: 'member';
  readonly object: Node;
  /** A string node for `.name`, any expression for `[expr]`. */
  readonly property: Node;
  /** `?.` short-circuits a nil object to nil. */
  readonly optional: boolean;
  /** True when written as `.name` (not `[...]`), which changes some checker messages. */
  readonly dotted: boolean;
  readonly pos: number;
}

export type NodeType = Node['type'];

export type NodeOf<K extends NodeType> = Extract<Node, { readonly type: K }>;
