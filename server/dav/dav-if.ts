/**
 * The WebDAV `If` header (RFC 4918 §10.4): lists of conditions, each list optionally tagged with
 * the resource it is about. A condition is a state token (a lock token, or anything else that
 * names no lock) or an entity tag in brackets, possibly negated with `Not`.
 */
export interface IfCondition {
  not: boolean;
  token?: string;
  etag?: string;
}

export interface IfList {
  /** The tagged resource's URL, or null for the request's own resource. */
  resource: string | null;
  conditions: IfCondition[];
}

export class IfHeaderError extends Error {}

export function parseIfHeader(header: string): IfList[] {
  const lists: IfList[] = [];
  let resource: string | null = null;
  let i = 0;
  const s = header;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const readUntil = (close: string) => {
    const end = s.indexOf(close, i + 1);
    if (end < 0) throw new IfHeaderError("unterminated");
    const v = s.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  for (;;) {
    skipSpace();
    if (i >= s.length) break;
    if (s[i] === "<") {
      resource = readUntil(">");
      continue;
    }
    if (s[i] !== "(") throw new IfHeaderError(`unexpected ${s[i]}`);
    i++;
    const conditions: IfCondition[] = [];
    for (;;) {
      skipSpace();
      if (i >= s.length) throw new IfHeaderError("unterminated list");
      if (s[i] === ")") {
        i++;
        break;
      }
      let not = false;
      if (s.slice(i, i + 3).toLowerCase() === "not") {
        not = true;
        i += 3;
        skipSpace();
      }
      if (s[i] === "<") conditions.push({ not, token: readUntil(">") });
      else if (s[i] === "[") conditions.push({ not, etag: readUntil("]") });
      else throw new IfHeaderError(`unexpected ${s[i]}`);
    }
    if (conditions.length === 0) throw new IfHeaderError("empty list");
    lists.push({ resource, conditions });
  }
  if (lists.length === 0) throw new IfHeaderError("no lists");
  return lists;
}

/** Tokens the client offers as its own: every state token not under `Not`. */
export function submittedTokens(lists: IfList[]): Set<string> {
  const out = new Set<string>();
  for (const l of lists) for (const c of l.conditions) if (!c.not && c.token) out.add(c.token);
  return out;
}

/**
 * True when some list holds: all its conditions hold for its resource. `tokenHolds` says whether a
 * token is a current lock on the resource; `etagOf` gives the resource's entity tag (or null).
 */
export async function evaluateIf(
  lists: IfList[],
  tokenHolds: (resource: string | null, token: string) => boolean,
  etagOf: (resource: string | null) => Promise<string | null>,
): Promise<boolean> {
  for (const list of lists) {
    let ok = true;
    for (const c of list.conditions) {
      let holds: boolean;
      if (c.token !== undefined) holds = tokenHolds(list.resource, c.token);
      else {
        const etag = await etagOf(list.resource);
        holds = etag !== null && stripWeak(etag) === stripWeak(c.etag!);
      }
      if (holds === c.not) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

const stripWeak = (etag: string) => etag.trim().replace(/^W\//, "");
