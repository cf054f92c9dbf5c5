import { badRequest, invalidObject, notPossible, objectNotFound, PanosApiError, ErrorCode } from './errors.js';
import { collectReferences, describeReference, referenceKey } from './references.js';
import { parseXpath, selectOne, selectOrCreate, type XpathHit, type XpathStep } from './xpath.js';
import { parseXmlFragment, XmlSyntaxError } from './xml-parser.js';
import { cloneElement, type XmlElement } from './xml-tree.js';

export type MoveWhere = 'before' | 'after' | 'top' | 'bottom';

/** One configuration edit, exactly as the API received it (also replayed for partial commits). */
export type ConfigOp =
  | { readonly action: 'set'; readonly xpath: string; readonly element: string }
  | { readonly action: 'edit'; readonly xpath: string; readonly element: string }
  | { readonly action: 'delete'; readonly xpath: string }
  | { readonly action: 'move'; readonly xpath: string; readonly where: MoveWhere; readonly dst?: string }
  | { readonly action: 'rename'; readonly xpath: string; readonly newname: string }
  | { readonly action: 'clone'; readonly xpath: string; readonly from: string; readonly newname: string };

/** The trees an edit works on: the config being edited and the read-only predefined objects. */
export interface ConfigTrees {
  readonly root: XmlElement;
  readonly predefined: XmlElement;
}

export interface OpOutcome {
  /** False for a delete of something absent (`success` with code 7). */
  readonly changed: boolean;
  /** Entries to flag as changed by this admin (what `get` reports with admin/dirtyId/time). */
  readonly touched: readonly XmlElement[];
}

/** Object names longer than this are refused (PAN-OS 8.1+ limit; tags allow 127). */
export const MAX_OBJECT_NAME = 63;
export const MAX_TAG_NAME = 127;
const NAME_LIMITED_CONTAINERS = new Set([
  'address', 'address-group', 'service', 'service-group', 'application-group', 'rules', 'zone',
]);

/**
 * Sets of element names that exclude each other (the schema's choices). Merging one removes the
 * other, so `set` of an ip-range onto an address that had an ip-netmask replaces it, as on a device.
 */
const CHOICE_GROUPS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['ip-netmask', 'ip-range', 'ip-wildcard', 'fqdn']),
  new Set(['static', 'dynamic']),
  new Set(['tcp', 'udp', 'sctp']),
];

/** Attributes `get` adds to changed entries; a client that edits what it read sends them back. */
const READ_ONLY_ATTRIBUTES = ['admin', 'dirtyId', 'time'];

function stripReadOnlyAttributes(node: XmlElement): XmlElement {
  for (const attr of READ_ONLY_ATTRIBUTES) delete node.attrs[attr];
  node.children.forEach(stripReadOnlyAttributes);
  return node;
}

export function parseElementParam(element: string): XmlElement[] {
  try {
    return parseXmlFragment(element).map(stripReadOnlyAttributes);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalidObject(`Malformed element: ${error.message}`);
    throw error;
  }
}

function checkName(name: string | undefined, container: string): void {
  if (name === undefined || name === '') throw invalidObject(`an entry under '${container}' has no name`);
  const limit = container === 'tag' ? MAX_TAG_NAME : NAME_LIMITED_CONTAINERS.has(container) ? MAX_OBJECT_NAME : Infinity;
  if ([...name].length > limit) throw invalidObject(`'${name}' is not a valid name: at most ${limit} characters`);
}

/** Names the path would create must be as valid as names inside an element. */
function validatePathNames(steps: readonly XpathStep[]): void {
  steps.forEach((step, i) => {
    if (step.entryName !== undefined && step.name === 'entry') checkName(step.entryName, steps[i - 1]?.name ?? '');
  });
}

/** Every `<entry>` must carry a usable name; object names obey the length limit. */
function validateNames(nodes: readonly XmlElement[], container: string): void {
  for (const node of nodes) {
    if (node.name === 'entry') checkName(node.attrs['name'], container);
    validateNames(node.children, node.name);
  }
}

function nearestEntry(hit: XpathHit): XmlElement {
  if (hit.node.name === 'entry') return hit.node;
  for (let i = hit.ancestors.length - 1; i >= 0; i--) {
    const ancestor = hit.ancestors[i] as XmlElement;
    if (ancestor.name === 'entry') return ancestor;
  }
  return hit.node;
}

function parentOf(hit: XpathHit): XmlElement {
  const parent = hit.ancestors[hit.ancestors.length - 1];
  if (parent === undefined) throw notPossible('the configuration root cannot be moved, renamed or deleted');
  return parent;
}

function parseWritablePath(xpath: string): XpathStep[] {
  const steps = parseXpath(xpath);
  if (steps[1]?.name === 'predefined') throw notPossible('predefined configuration is read-only');
  return steps;
}

function removeChoiceSiblings(target: XmlElement, incoming: string): void {
  const group = CHOICE_GROUPS.find((choices) => choices.has(incoming));
  if (group === undefined) return;
  target.children = target.children.filter((child) => child.name === incoming || !group.has(child.name));
}

/** `set` semantics: entries merge by name, `member`s are added once, leaves are overwritten. */
function mergeChild(target: XmlElement, incoming: XmlElement): XmlElement {
  if (incoming.name === 'member') {
    const value = incoming.text.trim();
    const existing = target.children.find((child) => child.name === 'member' && child.text.trim() === value);
    if (existing !== undefined) return existing;
    const added = cloneElement(incoming);
    target.children.push(added);
    return added;
  }
  const name = incoming.attrs['name'];
  const existing = target.children.find(
    (child) => child.name === incoming.name && (name === undefined || child.attrs['name'] === name),
  );
  if (existing === undefined) {
    removeChoiceSiblings(target, incoming.name);
    const added = cloneElement(incoming);
    target.children.push(added);
    return added;
  }
  Object.assign(existing.attrs, incoming.attrs);
  if (incoming.children.length > 0) {
    existing.text = '';
    for (const child of incoming.children) mergeChild(existing, child);
  } else if (incoming.text !== '') {
    existing.text = incoming.text;
    existing.children = [];
  }
  return existing;
}

function applySet(trees: ConfigTrees, xpath: string, element: string): OpOutcome {
  const steps = parseWritablePath(xpath);
  const fragment = parseElementParam(element);
  const last = steps[steps.length - 1] as XpathStep;
  validatePathNames(steps);
  validateNames(fragment, last.name);
  const hit = selectOrCreate(trees.root, steps);
  const merged = fragment.map((child) => mergeChild(hit.node, child));
  const touchedEntries = merged.filter((node) => node.name === 'entry');
  return { changed: true, touched: touchedEntries.length > 0 && hit.node.name !== 'entry' ? touchedEntries : [nearestEntry(hit)] };
}

function applyEdit(trees: ConfigTrees, xpath: string, element: string): OpOutcome {
  const steps = parseWritablePath(xpath);
  const fragment = parseElementParam(element);
  const [replacement] = fragment;
  if (fragment.length !== 1 || replacement === undefined) {
    throw invalidObject(`edit needs exactly one element, got ${fragment.length}`);
  }
  const last = steps[steps.length - 1] as XpathStep;
  if (replacement.name !== last.name) {
    throw invalidObject(`element <${replacement.name}> does not match the xpath's last node <${last.name}>`);
  }
  if (last.entryName !== undefined && replacement.attrs['name'] !== last.entryName) {
    throw invalidObject(`element name '${replacement.attrs['name'] ?? ''}' does not match the xpath name '${last.entryName}'`);
  }
  const parentName = steps[steps.length - 2]?.name ?? '';
  validatePathNames(steps);
  validateNames([replacement], parentName);
  const hit = selectOrCreate(trees.root, steps);
  // Replace in place so the node keeps its position among its siblings.
  const copy = cloneElement(replacement);
  hit.node.attrs = copy.attrs;
  hit.node.children = copy.children;
  hit.node.text = copy.text;
  return { changed: true, touched: [nearestEntry(hit)] };
}

function indexPath(hit: XpathHit): number[] {
  const path: number[] = [];
  const chain = [...hit.ancestors, hit.node];
  for (let i = 1; i < chain.length; i++) path.push((chain[i - 1] as XmlElement).children.indexOf(chain[i] as XmlElement));
  return path;
}

function removeAtPath(root: XmlElement, path: readonly number[]): void {
  let parent = root;
  for (const index of path.slice(0, -1)) parent = parent.children[index] as XmlElement;
  parent.children.splice(path[path.length - 1] as number, 1);
}

/** Refuses a delete that would leave a reference dangling (code 10), naming every referrer. */
function assertNotReferenced(trees: ConfigTrees, hit: XpathHit, label: string): void {
  const before = collectReferences(trees.root, trees.predefined).filter((ref) => ref.resolved !== undefined);
  if (before.length === 0) return;
  const trial = cloneElement(trees.root);
  removeAtPath(trial, indexPath(hit));
  const after = collectReferences(trial, trees.predefined);
  const survivors = new Set(after.map(referenceKey));
  const stillResolved = new Set(after.filter((ref) => ref.resolved !== undefined).map(referenceKey));
  // Referrers inside the deleted subtree go with it; only the ones left behind would dangle.
  const broken = before.filter((ref) => survivors.has(referenceKey(ref)) && !stillResolved.has(referenceKey(ref)));
  if (broken.length === 0) return;
  throw new PanosApiError(ErrorCode.ReferenceCountNotZero, [
    `${label} cannot be deleted because of references from:`,
    ...[...new Set(broken.map(describeReference))],
  ]);
}

function applyDelete(trees: ConfigTrees, xpath: string): OpOutcome {
  const steps = parseWritablePath(xpath);
  const hit = selectOne(trees.root, steps);
  if (hit === undefined) return { changed: false, touched: [] };
  const parent = parentOf(hit);
  assertNotReferenced(trees, hit, hit.node.attrs['name'] ?? hit.node.name);
  parent.children.splice(parent.children.indexOf(hit.node), 1);
  return { changed: true, touched: [] };
}

function existing(trees: ConfigTrees, xpath: string): XpathHit {
  const hit = selectOne(trees.root, parseWritablePath(xpath));
  if (hit === undefined) throw objectNotFound(`No such node: ${xpath}`);
  return hit;
}

function applyMove(trees: ConfigTrees, xpath: string, where: MoveWhere, dst: string | undefined): OpOutcome {
  const hit = existing(trees, xpath);
  const parent = parentOf(hit);
  const siblings = parent.children;
  const node = hit.node;
  let anchor: XmlElement | undefined;
  if (where === 'before' || where === 'after') {
    if (dst === undefined || dst === '') throw badRequest(`Missing parameter "dst" for where=${where}.`);
    if (dst === node.attrs['name']) throw notPossible(`cannot move '${dst}' relative to itself`);
    anchor = siblings.find((sibling) => sibling.name === node.name && sibling.attrs['name'] === dst);
    if (anchor === undefined) throw objectNotFound(`move destination '${dst}' does not exist`);
  }
  siblings.splice(siblings.indexOf(node), 1);
  switch (where) {
    case 'top':
      siblings.unshift(node);
      break;
    case 'bottom':
      siblings.push(node);
      break;
    case 'before':
      siblings.splice(siblings.indexOf(anchor as XmlElement), 0, node);
      break;
    case 'after':
      siblings.splice(siblings.indexOf(anchor as XmlElement) + 1, 0, node);
      break;
    default: {
      const exhaustive: never = where;
      throw badRequest(`Illegal value for parameter "where" [${String(exhaustive)}].`);
    }
  }
  return { changed: true, touched: [nearestEntry(hit)] };
}

function assertNameFree(container: XmlElement, tag: string, newname: string): void {
  validateNames([{ name: 'entry', attrs: { name: newname }, children: [], text: '' }], container.name);
  if (container.children.some((child) => child.name === tag && child.attrs['name'] === newname)) {
    throw invalidObject(`'${newname}' is already in use`);
  }
}

function applyRename(trees: ConfigTrees, xpath: string, newname: string): OpOutcome {
  const hit = existing(trees, xpath);
  const oldName = hit.node.attrs['name'];
  if (oldName === undefined) throw notPossible(`${xpath} is not a named entry`);
  if (oldName === newname) return { changed: true, touched: [hit.node] };
  const parent = parentOf(hit);
  assertNameFree(parent, hit.node.name, newname);
  // PAN-OS carries a rename through to the rules and groups that use the object.
  const referrers = collectReferences(trees.root, trees.predefined).filter((ref) => ref.resolved?.node === hit.node);
  hit.node.attrs['name'] = newname;
  for (const ref of referrers) ref.member.text = newname;
  return { changed: true, touched: [hit.node] };
}

function applyClone(trees: ConfigTrees, xpath: string, from: string, newname: string): OpOutcome {
  const container = existing(trees, xpath).node;
  const fromSteps = parseXpath(from);
  const sourceRoot = fromSteps[1]?.name === 'predefined' ? trees.predefined : trees.root;
  const source = selectOne(sourceRoot, fromSteps);
  if (source === undefined) throw objectNotFound(`clone source ${from} does not exist`);
  if (source.node.attrs['name'] === undefined) throw notPossible(`${from} is not a named entry`);
  assertNameFree(container, source.node.name, newname);
  const copy = cloneElement(source.node);
  copy.attrs['name'] = newname;
  const at = container.children.indexOf(source.node);
  // The copy lands right after its original (as a rule clone does in the UI); elsewhere it is appended.
  if (at === -1) container.children.push(copy);
  else container.children.splice(at + 1, 0, copy);
  return { changed: true, touched: [copy] };
}

/** Applies one edit to `trees.root` in place; throws {@link PanosApiError} and leaves the tree as it was. */
export function applyConfigOp(trees: ConfigTrees, op: ConfigOp): OpOutcome {
  switch (op.action) {
    case 'set':
      return applySet(trees, op.xpath, op.element);
    case 'edit':
      return applyEdit(trees, op.xpath, op.element);
    case 'delete':
      return applyDelete(trees, op.xpath);
    case 'move':
      return applyMove(trees, op.xpath, op.where, op.dst);
    case 'rename':
      return applyRename(trees, op.xpath, op.newname);
    case 'clone':
      return applyClone(trees, op.xpath, op.from, op.newname);
    default: {
      const exhaustive: never = op;
      throw badRequest(`Illegal value for parameter "action" [${String((exhaustive as ConfigOp).action)}].`);
    }
  }
}
