/**
 * A Fetch-API function over node:http/node:https that presents a client certificate (mutual TLS)
 * and/or trusts a given CA: what Pro Santé Connect's token endpoint (`tls_client_auth`, RFC 8705)
 * and the ROR API require. Node's fetch has no such option without another package. Connections
 * are kept alive; answers are read whole, up to a limit; redirects are never followed.
 */
import http from 'node:http';
import https from 'node:https';

export interface TlsMaterial {
  /** PEM client certificate (chain allowed) and its private key, presented to the server. */
  cert?: string | undefined;
  key?: string | undefined;
  /** PEM CA certificates that sign the server's certificate, when not a public CA. */
  ca?: string | undefined;
}

export type FetchLike = (url: string, options: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal | undefined }) => Promise<Response>;

export type TlsFetch = FetchLike & {
  /** Closes the kept-alive connections. */
  close(): void;
};

/** An answer larger than the caller's limit: not worth retrying. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}

/** By default an answer is an OAuth or OpenID document of a few kilobytes. */
const DEFAULT_MAX_BYTES = 1024 * 1024;

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('corps de requête non pris en charge');
}

export function tlsFetch(tls: TlsMaterial, options: { maxBytes?: number } = {}): TlsFetch {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const agent = new https.Agent({ keepAlive: true, cert: tls.cert, key: tls.key, ca: tls.ca });
  const plainAgent = new http.Agent({ keepAlive: true });
  const fetchLike: FetchLike = (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') return reject(new Error(`protocole ${target.protocol} refusé`));
      let body: string | undefined;
      try {
        body = bodyText(options.body);
      } catch (error) {
        return reject(error as Error);
      }
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(target, { method: options.method, headers: options.headers, signal: options.signal, agent: secure ? agent : plainAgent }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) request.destroy(new ResponseTooLargeError(`réponse de plus de ${maxBytes} octets refusée`));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
          }
          const status = response.statusCode ?? 502;
          const empty = status === 204 || status === 304 || options.method === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage ?? '', headers }));
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  return Object.assign(fetchLike, {
    close: () => {
      agent.destroy();
      plainAgent.destroy();
    },
  });
}
