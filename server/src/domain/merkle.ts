import { createHash } from 'node:crypto';

/**
 * Merkle trees over the chain heads a checkpoint seals, in the shape of RFC 6962
 * (Certificate Transparency): leaf = H(0x00 || leaf data), node = H(0x01 || left
 * || right), and a tree of n leaves splits at the largest power of two below n.
 * That shape can be computed streaming, one leaf at a time with a stack of at most
 * log2(n) subtrees, so sealing and verifying a checkpoint of a million heads never
 * holds the leaves in memory. Pure.
 */

export interface MerkleLeaf {
  subject: string;
  chainSeq: number;
  head: string;
}

const H = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

/** The leaf hash of one sealed chain head (the fields length-prefixed by JSON, so none can run into the next). */
export const leafHash = (leaf: MerkleLeaf): Buffer =>
  H(LEAF, Buffer.from(JSON.stringify([leaf.subject, leaf.chainSeq, leaf.head]), 'utf8'));

export const nodeHash = (left: Buffer, right: Buffer): Buffer => H(NODE, left, right);

/** The root of no leaves (RFC 6962: the hash of the empty string). */
export const EMPTY_ROOT = createHash('sha256').digest('hex');

/** Feeds leaves in order, keeps only the complete subtrees' roots (a binary counter). */
export class MerkleBuilder {
  private stack: { hash: Buffer; size: number }[] = [];
  private count = 0;

  add(leaf: MerkleLeaf): void {
    this.addHash(leafHash(leaf));
  }

  addHash(hash: Buffer): void {
    this.count += 1;
    let node = { hash, size: 1 };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop() as { hash: Buffer; size: number };
      node = { hash: nodeHash(left.hash, node.hash), size: left.size * 2 };
    }
    this.stack.push(node);
  }

  get size(): number {
    return this.count;
  }

  /** The root (hex): the remaining subtrees folded from the right. */
  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1) acc = nodeHash(this.stack[i].hash, acc);
    return acc.toString('hex');
  }
}

/** The root of a list of leaves (already in their sealed order: by subject). */
export const merkleRoot = (leaves: MerkleLeaf[]): string => {
  const builder = new MerkleBuilder();
  for (const leaf of leaves) builder.add(leaf);
  return builder.root();
};

/** RFC 6962's recursive definition, for the tests to compare the streaming builder with. */
export const merkleRootRecursive = (hashes: Buffer[]): Buffer => {
  if (hashes.length === 0) return createHash('sha256').digest();
  if (hashes.length === 1) return hashes[0];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(merkleRootRecursive(hashes.slice(0, k)), merkleRootRecursive(hashes.slice(k)));
};

export const CHECKPOINT_VERSION = 'consent-checkpoint:v1';

/** The previous hash of the first checkpoint. */
export const CHECKPOINT_GENESIS = createHash('sha256')
  .update(`${CHECKPOINT_VERSION}:genesis`, 'utf8')
  .digest('hex');

/** A checkpoint's own hash: over its seq, time, leaf count, root and the previous checkpoint's hash (a chain of checkpoints). */
export const checkpointHash = (checkpoint: {
  seq: number;
  sealedAt: string;
  leafCount: number;
  root: string;
  previousHash: string;
}): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        CHECKPOINT_VERSION,
        checkpoint.seq,
        checkpoint.sealedAt,
        checkpoint.leafCount,
        checkpoint.root,
        checkpoint.previousHash,
      ]),
      'utf8'
    )
    .digest('hex');
