/**
 * A tiny tree printer, glyph for glyph the one notation and oras print with
 * (notation `cmd/notation/internal/display/metadata/tree/tree.go`, oras
 * `internal/tree`): each child is prefixed `├── ` (last: `└── `) and its
 * subtree is indented with `│   ` (last: four spaces). Every line ends with
 * a newline, as Go's `fmt.Fprintln` writes it.
 */

const ITEM = '├── ';
const ITEM_LAST = '└── ';
const SUBTREE = '│   ';
const SUBTREE_LAST = '    ';

export interface TreeNode {
  readonly value: string;
  readonly children: TreeNode[];
}

/** A node with the given text and children. */
export function treeNode(value: string, children: TreeNode[] = []): TreeNode {
  return { value, children };
}

/** A `key: value` node, as notation's `AddPair`. */
export function treePair(key: string, value: string, children: TreeNode[] = []): TreeNode {
  return { value: `${key}: ${value}`, children };
}

/** Print `root` and its descendants; the result ends with a newline. */
export function renderTree(root: TreeNode): string {
  const lines: string[] = [];
  printNode(lines, '', '', '', root);
  return lines.map((line) => `${line}\n`).join('');
}

function printNode(lines: string[], prefix: string, itemMarker: string, nextPrefix: string, node: TreeNode): void {
  lines.push(prefix + itemMarker + node.value);
  node.children.forEach((child, index) => {
    const last = index === node.children.length - 1;
    printNode(lines, nextPrefix, last ? ITEM_LAST : ITEM, nextPrefix + (last ? SUBTREE_LAST : SUBTREE), child);
  });
}
