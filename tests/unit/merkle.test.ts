import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  CHECKPOINT_GENESIS,
  EMPTY_ROOT,
  MerkleBuilder,
  checkpointHash,
  leafHash,
  merkleRoot,
  merkleRootRecursive,
  nodeHash,
  type MerkleLeaf,
} from '../../server/src/domain/merkle';

const sha = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest();
};
const leaf = (i: number): MerkleLeaf => ({
  subject: `subject-${String(i).padStart(6, '0')}`,
  chainSeq: (i % 7) + 1,
  head: sha(Buffer.from(String(i))).toString('hex'),
});

describe('Merkle root of sealed chain heads (RFC 6962 shape)', () => {
  it('hashes leaves and nodes with distinct prefixes (a node can never pass for a leaf)', () => {
    const l = leaf(1);
    expect(leafHash(l)).toEqual(
      sha(Buffer.from([0]), Buffer.from(JSON.stringify([l.subject, l.chainSeq, l.head])))
    );
    const a = leafHash(leaf(1));
    const b = leafHash(leaf(2));
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
  });

  it('gives the known small trees', () => {
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
    expect(merkleRoot([leaf(1)])).toBe(leafHash(leaf(1)).toString('hex'));
    const [a, b, c] = [1, 2, 3].map((i) => leafHash(leaf(i)));
    expect(merkleRoot([leaf(1), leaf(2)])).toBe(nodeHash(a, b).toString('hex'));
    // Three leaves: the first two make a subtree, the third is promoted beside it.
    expect(merkleRoot([leaf(1), leaf(2), leaf(3)])).toBe(
      nodeHash(nodeHash(a, b), c).toString('hex')
    );
  });

  it('streaming builder equals the recursive definition for every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const leaves = Array.from({ length: n }, (_, i) => leaf(i));
        const builder = new MerkleBuilder();
        leaves.forEach((l) => builder.add(l));
        expect(builder.size).toBe(n);
        expect(builder.root()).toBe(merkleRootRecursive(leaves.map(leafHash)).toString('hex'));
      }),
      { numRuns: 120 }
    );
  });

  it('any change of one leaf, a removed leaf, an added leaf or a swap changes the root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.nat(),
        fc.constantFrom('head', 'seq', 'drop', 'add', 'swap'),
        (n, pick, change) => {
          const leaves = Array.from({ length: n }, (_, i) => leaf(i));
          const root = merkleRoot(leaves);
          const i = pick % n;
          const changed = leaves.map((l) => ({ ...l }));
          if (change === 'head') changed[i].head = sha(Buffer.from(`x${i}`)).toString('hex');
          if (change === 'seq') changed[i].chainSeq += 1;
          if (change === 'drop') changed.splice(i, 1);
          if (change === 'add') changed.splice(i, 0, leaf(n + 1));
          if (change === 'swap')
            [changed[i], changed[(i + 1) % n]] = [changed[(i + 1) % n], changed[i]];
          expect(merkleRoot(changed)).not.toBe(root);
        }
      )
    );
  });

  it('chains checkpoints: the hash covers every field, including the previous hash', () => {
    const cp = {
      seq: 1,
      sealedAt: '2026-11-23T01:00:00.000Z',
      leafCount: 3,
      root: EMPTY_ROOT,
      previousHash: CHECKPOINT_GENESIS,
    };
    const h = checkpointHash(cp);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    for (const change of [
      { seq: 2 },
      { sealedAt: '2026-11-23T01:00:00.001Z' },
      { leafCount: 4 },
      { root: CHECKPOINT_GENESIS },
      { previousHash: EMPTY_ROOT },
    ]) {
      expect(checkpointHash({ ...cp, ...change })).not.toBe(h);
    }
  });
});
