import { newDocumentId } from '../../server/src/utils/document-id';

describe('newDocumentId', () => {
  it("has Strapi's shape and starts with a letter, across many refills of its random pool", () => {
    const ids = Array.from({ length: 20_000 }, () => newDocumentId());
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{23}$/);
    // 20,000 ids span over a hundred refills of the pool: none is handed out twice.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every letter and digit (the pool is not stuck on one value)', () => {
    const seen = new Set(Array.from({ length: 2_000 }, () => newDocumentId()).join(''));
    expect(seen.size).toBe(36);
  });
});
