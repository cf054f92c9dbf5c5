import type { PanosApiError } from './errors.js';
import { serializeXml } from './xml-serializer.js';
import { el, textEl, type XmlElement } from './xml-tree.js';

/** What a handler produces; the HTTP layer writes it verbatim. */
export interface ApiResponse {
  readonly httpStatus: number;
  readonly body: string;
  readonly contentType: string;
}

const XML_CONTENT_TYPE = 'application/xml; charset=UTF-8';

export function xmlResponse(root: XmlElement, httpStatus = 200): ApiResponse {
  return { httpStatus, body: serializeXml(root), contentType: XML_CONTENT_TYPE };
}

/** `<response status=".." code="..">…</response>`; `code` is omitted when undefined. */
export function envelope(status: 'success' | 'error', code: number | undefined, ...children: XmlElement[]): XmlElement {
  const attrs: Record<string, string> = { status };
  if (code !== undefined) attrs['code'] = String(code);
  return el('response', attrs, ...children);
}

/** `<msg><line>a</line><line>b</line></msg>` */
export function msgLines(lines: readonly string[]): XmlElement {
  return el('msg', {}, ...lines.map((line) => textEl('line', line)));
}

/** `<response status="success" code="20"><msg>command succeeded</msg></response>` and friends. */
export function successMsg(code: number | undefined, message: string): XmlElement {
  return envelope('success', code, textEl('msg', message));
}

/** `<response status="success"><result>…</result></response>` */
export function successResult(...content: Array<XmlElement | string>): XmlElement {
  return envelope('success', undefined, el('result', {}, ...content));
}

/** Renders an API error as its envelope element (used directly for nested multi-config responses). */
export function errorElement(error: PanosApiError): XmlElement {
  switch (error.shape) {
    case 'lines':
      return envelope('error', error.code, msgLines(error.lines));
    case 'result-msg':
      return envelope('error', error.code, el('result', {}, textEl('msg', error.lines.join(' '))));
    default: {
      const exhaustive: never = error.shape;
      throw new Error(`unhandled error shape ${String(exhaustive)}`);
    }
  }
}

export function errorResponse(error: PanosApiError): ApiResponse {
  return xmlResponse(errorElement(error), error.httpStatus);
}
