import { isNotaryError } from '../errors';
import { buildCertificate, cachedKeyPair, codeSigningLeafSpec, type KeyAlgorithm } from './builder';
import {
  coseAlgorithmOf,
  hashOf,
  jwsAlgorithmOf,
  keySpecByName,
  keySpecBySignatureAlgorithm,
  keySpecOf,
  signatureAlgorithmFromCose,
  signatureAlgorithmFromJws,
} from './key-spec';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('keySpecOf (reference §6)', () => {
  it.each([
    ['RSA-2048', 'RSA-2048', 'RSASSA-PSS-SHA-256', 'PS256', -37, 'SHA-256'],
    ['RSA-3072', 'RSA-3072', 'RSASSA-PSS-SHA-384', 'PS384', -38, 'SHA-384'],
    ['RSA-4096', 'RSA-4096', 'RSASSA-PSS-SHA-512', 'PS512', -39, 'SHA-512'],
    ['EC-256', 'EC-256', 'ECDSA-SHA-256', 'ES256', -7, 'SHA-256'],
    ['EC-384', 'EC-384', 'ECDSA-SHA-384', 'ES384', -35, 'SHA-384'],
    ['EC-521', 'EC-521', 'ECDSA-SHA-512', 'ES512', -36, 'SHA-512'],
  ] as const)('maps a %s key', (algorithm, keySpec, signatureAlgorithm, jwsAlg, coseAlg, hash) => {
    const key = cachedKeyPair(algorithm as KeyAlgorithm);
    const spec = keySpecOf(key.publicKey);
    expect(spec).toMatchObject({ keySpec, signatureAlgorithm, jwsAlg, coseAlg, hash });
    expect(spec.nodeHash).toBe(hash.replace('SHA-', 'sha'));
    // The same answer from the certificate carrying the key.
    expect(keySpecOf(buildCertificate(codeSigningLeafSpec({ key })).certificate).keySpec).toBe(keySpec);
  });

  it('gives the EC curve name for EC keys', () => {
    expect(keySpecOf(cachedKeyPair('EC-384').publicKey).namedCurve).toBe('P-384');
    expect(keySpecOf(cachedKeyPair('RSA-2048').publicKey).namedCurve).toBeUndefined();
  });

  it.each([
    ['RSA-1024', 'ERR_WEAK_KEY', 'rsa key size 1024 bits is not supported'],
    ['EC-224', 'ERR_WEAK_KEY', 'ecdsa key size 224 bits is not supported'],
    ['Ed25519', 'ERR_UNSUPPORTED_ALGORITHM', 'unsupported public key type'],
  ] as const)('rejects a %s key with notation’s message', (algorithm, code, message) => {
    const error = thrown(() => keySpecOf(cachedKeyPair(algorithm).publicKey));
    expect(isNotaryError(error, code)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});

describe('algorithm name mappings', () => {
  it('maps JWS and COSE algs to signature algorithms and back', () => {
    expect(signatureAlgorithmFromJws('PS384')).toBe('RSASSA-PSS-SHA-384');
    expect(signatureAlgorithmFromJws('ES512')).toBe('ECDSA-SHA-512');
    expect(signatureAlgorithmFromJws('RS256')).toBeUndefined();
    expect(signatureAlgorithmFromJws('none')).toBeUndefined();
    expect(signatureAlgorithmFromCose(-7)).toBe('ECDSA-SHA-256');
    expect(signatureAlgorithmFromCose(-39)).toBe('RSASSA-PSS-SHA-512');
    expect(signatureAlgorithmFromCose(-257)).toBeUndefined();
    expect(signatureAlgorithmFromCose('-7')).toBeUndefined();
    expect(jwsAlgorithmOf('ECDSA-SHA-384')).toBe('ES384');
    expect(coseAlgorithmOf('RSASSA-PSS-SHA-256')).toBe(-37);
    expect(hashOf('ECDSA-SHA-512')).toBe('SHA-512');
  });

  it('looks key specs up by plugin name and by signature algorithm', () => {
    expect(keySpecByName('EC-521')?.jwsAlg).toBe('ES512');
    expect(keySpecByName('RSA-1024')).toBeUndefined();
    expect(keySpecBySignatureAlgorithm('RSASSA-PSS-SHA-384')?.keySpec).toBe('RSA-3072');
    expect(keySpecBySignatureAlgorithm('RSASSA-PKCS1-SHA-256')).toBeUndefined();
  });

  it('throws TypeError for an unknown signature algorithm', () => {
    expect(() => jwsAlgorithmOf('MD5' as never)).toThrow(TypeError);
  });
});
