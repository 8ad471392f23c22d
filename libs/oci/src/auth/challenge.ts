/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1) as registries send them:
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`
 * or `Basic realm="Registry"` (distribution spec §Authentication, docker token spec).
 */
export interface AuthChallenge {
  /** Lowercased scheme: `bearer`, `basic`, … */
  scheme: string;
  parameters: Record<string, string>;
}

/**
 * Parses every challenge of a header value. Parameter names are lowercased;
 * quoted values are unescaped. Malformed parts are skipped, never thrown.
 */
export function parseChallenges(header: string | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const challenges: AuthChallenge[] = [];
  let position = 0;
  let current: AuthChallenge | undefined;
  const text = header;
  const skipSpaces = (): void => {
    while (position < text.length && /[\s,]/.test(text[position]!)) position++;
  };
  while (position < text.length) {
    skipSpaces();
    const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(text.slice(position));
    if (!token) {
      position++;
      continue;
    }
    const word = token[0];
    position += word.length;
    let afterWord = position;
    while (afterWord < text.length && text[afterWord] === ' ') afterWord++;
    if (text[afterWord] === '=' && current !== undefined) {
      position = afterWord + 1;
      while (position < text.length && text[position] === ' ') position++;
      let value = '';
      if (text[position] === '"') {
        position++;
        while (position < text.length && text[position] !== '"') {
          if (text[position] === '\\' && position + 1 < text.length) position++;
          value += text[position];
          position++;
        }
        position++; // closing quote
      } else {
        const bare = /^[^\s,]*/.exec(text.slice(position))![0];
        value = bare;
        position += bare.length;
      }
      current.parameters[word.toLowerCase()] = value;
    } else {
      current = { scheme: word.toLowerCase(), parameters: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

/** The challenge we can answer: Bearer preferred, else Basic. */
export function selectChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
