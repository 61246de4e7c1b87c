import { DOMParser, XMLSerializer, type Element as XmlElement, type Node as XmlNode } from "@xmldom/xmldom";

export const DAV_NS = "DAV:";

/** A property name: its namespace ("" for none) and local name. */
export interface PropName {
  ns: string;
  name: string;
}

export const propKey = (p: PropName) => `${p.ns}\u0000${p.name}`;

export class XmlBodyError extends Error {}

/** Parses a request body; malformed XML (or a DTD, which we never expand) is a 400 for the caller. */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new XmlBodyError("DTDs are not accepted");
  let failed = false;
  let doc;
  try {
    doc = new DOMParser({
      onError: (level) => {
        if (level !== "warning") failed = true;
      },
    }).parseFromString(text, "application/xml");
  } catch {
    throw new XmlBodyError("malformed XML");
  }
  const root = doc.documentElement;
  if (failed || !root) throw new XmlBodyError("malformed XML");
  return root;
}

export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as XmlElement);
  return out;
}

export const isDav = (el: XmlElement, name: string) => el.namespaceURI === DAV_NS && el.localName === name;

export function propNameOf(el: XmlElement): PropName {
  return { ns: el.namespaceURI ?? "", name: el.localName ?? el.nodeName };
}

/** A property element's content as XML text, each element carrying the namespaces it needs. */
export function innerXml(el: XmlElement): string {
  const s = new XMLSerializer();
  let out = "";
  for (let n: XmlNode | null = el.firstChild; n; n = n.nextSibling) out += s.serializeToString(n);
  return out;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** One property element with a value that is already XML (or empty). */
export function propXml(p: PropName, valueXml: string): string {
  if (p.ns === DAV_NS) return valueXml === "" ? `<D:${p.name}/>` : `<D:${p.name}>${valueXml}</D:${p.name}>`;
  // The multistatus declares no default namespace, so a property in none needs no declaration.
  const tag = p.ns === "" ? p.name : `Z:${p.name}`;
  const ns = p.ns === "" ? "" : ` xmlns:Z="${escapeXml(p.ns)}"`;
  return valueXml === "" ? `<${tag}${ns}/>` : `<${tag}${ns}>${valueXml}</${tag}>`;
}

export const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';

export const statusLine = (code: number) => `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? ""}`.trimEnd();

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  423: "Locked",
  424: "Failed Dependency",
  507: "Insufficient Storage",
};
