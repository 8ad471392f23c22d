/**
 * The tier key ring: key files (what is refused, and that no error shows a
 * key), sealing as a standard JWE (opened by jose, the reference library),
 * rotation, tampering, and the MAC.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TierKeyError, TierKeys } from './tier-key';

const errorOf = (fn: () => unknown): TierKeyError => {
  try {
    fn();
  } catch (error) {
    return error as TierKeyError;
  }
  throw new Error('expected a TierKeyError');
};

describe('TierKeys', () => {
  const a = randomBytes(32);
  const b = randomBytes(48);

  it('parses one base64 or base64url key per line, skipping blanks and comments; the first seals', () => {
    const keys = TierKeys.parse(`# tier key\n\n${a.toString('base64')}\n  ${b.toString('base64url')}  \n`);
    expect(keys.kids).toEqual([...TierKeys.of(a).kids, ...TierKeys.of(b).kids]);
    expect(keys.kids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(keys)).toBe(JSON.stringify({ kids: keys.kids }));
  });

  it('refuses short keys, non-base64 lines and empty files with the line at fault and never the key', () => {
    const short = randomBytes(31).toString('base64');
    const tooShort = errorOf(() => TierKeys.parse(`${a.toString('base64')}\n${short}\n`, '/etc/tier/key'));
    expect(tooShort).toMatchObject({ code: 'ERR_TIER_KEY_FILE', message: '/etc/tier/key line 2: the key has 31 bytes, at least 32 are needed' });
    expect(tooShort.message).not.toContain(short);
    expect(errorOf(() => TierKeys.parse('not a key!\n'))).toMatchObject({ code: 'ERR_TIER_KEY_FILE', message: 'tier key file line 1: not a base64 key' });
    expect(errorOf(() => TierKeys.parse('# only a comment\n'))).toMatchObject({ code: 'ERR_TIER_KEY_FILE' });
  });

  it('seals a JWE compact (dir, A256GCM) that jose opens with the derived key, claims in the protected header', () => {
    const keys = TierKeys.of(a);
    const sealed = keys.seal({ sub: 'notary.v1.verify', exp: 1234 }, Buffer.from('{"x":1}'));
    // jose is ESM-only: it runs in a node child process (jest loads CommonJS only).
    const script = `import('jose').then(async ({ compactDecrypt, decodeProtectedHeader }) => {
      const [jwe, key] = process.argv.slice(1);
      const { plaintext } = await compactDecrypt(jwe, Buffer.from(key, 'base64'));
      process.stdout.write(JSON.stringify({ header: decodeProtectedHeader(jwe), plaintext: Buffer.from(plaintext).toString() }));
    })`;
    const out = execFileSync(process.execPath, ['-e', script, sealed, keys.sealKeyOf(keys.kids[0]!)!.toString('base64')], { cwd: process.cwd(), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ header: { sub: 'notary.v1.verify', exp: 1234, alg: 'dir', enc: 'A256GCM', kid: keys.kids[0] }, plaintext: '{"x":1}' });
    expect(keys.open(sealed)).toEqual({ claims: { sub: 'notary.v1.verify', exp: 1234, alg: 'dir', enc: 'A256GCM', kid: keys.kids[0] }, plaintext: Buffer.from('{"x":1}') });
  });

  it('opens with any key of the ring (rotation), and refuses another key, a changed header or ciphertext', () => {
    const old = TierKeys.of(a);
    const rotated = TierKeys.of(b, a);
    expect(rotated.open(old.seal({}, Buffer.from('hi'))).plaintext.toString()).toBe('hi');
    expect(errorOf(() => TierKeys.of(b).open(old.seal({}, Buffer.from('hi'))))).toMatchObject({ code: 'ERR_TIER_SEAL', message: expect.stringContaining('unknown key') });
    const sealed = old.seal({ sub: 'a' }, Buffer.from('payload'));
    const [header, , iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string, string];
    const otherHeader = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), sub: 'b' })).toString('base64url');
    expect(errorOf(() => old.open([otherHeader, '', iv, ciphertext, tag].join('.')))).toMatchObject({ code: 'ERR_TIER_SEAL', message: expect.stringContaining('authentication failed') });
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0]! ^= 1;
    expect(errorOf(() => old.open([header, '', iv, flipped.toString('base64url'), tag].join('.')))).toMatchObject({ code: 'ERR_TIER_SEAL' });
    for (const garbage of [undefined, 42, '', 'a.b.c', '{"verified":true}']) expect(errorOf(() => old.open(garbage))).toMatchObject({ code: 'ERR_TIER_SEAL' });
  });

  it('MACs length-prefixed parts, verifiable under any key of the ring, and keyed hashes reveal nothing without the key', () => {
    const keys = TierKeys.of(a);
    const { kid, tag } = keys.mac(Buffer.from('ab'), Buffer.from('c'));
    expect(TierKeys.of(b, a).verifyMac(kid, tag, Buffer.from('ab'), Buffer.from('c'))).toBe(true);
    expect(keys.verifyMac(kid, tag, Buffer.from('a'), Buffer.from('bc'))).toBe(false);
    expect(TierKeys.of(b).verifyMac(kid, tag, Buffer.from('ab'), Buffer.from('c'))).toBe(false);
    expect(keys.keyedHash('credential', 'user:pw')).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.keyedHash('credential', 'user:pw')).not.toBe(TierKeys.of(b).keyedHash('credential', 'user:pw'));
  });
});
