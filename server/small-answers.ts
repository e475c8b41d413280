import zlib from "node:zlib";
import type { RequestHandler, Response } from "express";

/*
 * Small GraphQL answers, compressed in place. compression() opens a zlib stream for every answer it compresses: the
 * stream's native state and buffers, a round trip through libuv's thread pool (where SQLite's statements queue too),
 * and a chunked answer written as it comes out. For a board's answer (3–10 KB) that was about 0.3 ms of CPU per
 * request, more than the compression itself. Here an answer of up to SMALL_ANSWER_BYTES is compressed in one
 * synchronous call at a fast setting (about 0.03 ms for 4 KB: 3,726 bytes → 755 with gzip level 1, 696 at level 6)
 * and sent with its length. Anything else, a large answer or a streamed one, still goes through compression()
 * (app.ts), whose streams keep a big answer off the event loop; it leaves an answer that is already encoded alone.
 */

/** Answers from this size up are left to compression(): compressing 32 KB at these settings takes about 0.2 ms. */
export const SMALL_ANSWER_BYTES = 32 * 1024;
/** compression()'s own threshold: below it an answer is sent as it is. */
const MIN_BYTES = 1024;

const GZIP: zlib.ZlibOptions = { level: 1 };
const BROTLI: zlib.BrotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };

function compressible(res: Response): boolean {
  const type = res.getHeader("Content-Type");
  return typeof type === "string" && /^application\/(?:[a-z0-9.+-]*\+)?json\b/i.test(type);
}

/** Mounted before Apollo on /graphql: an answer sent whole (res.send/res.end with its body) is compressed here when small. */
export function compressSmallAnswers(): RequestHandler {
  return (req, res, next) => {
    if (req.method === "HEAD") return next();
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      res.end = end; // once
      const [chunk, encoding] = args as [unknown, unknown];
      if (!this.headersSent && (typeof chunk === "string" || Buffer.isBuffer(chunk)) && !this.getHeader("Content-Encoding") && compressible(this)) {
        const body = typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : chunk;
        const cacheControl = this.getHeader("Cache-Control");
        const noTransform = typeof cacheControl === "string" && /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(cacheControl);
        if (body.length >= MIN_BYTES && body.length < SMALL_ANSWER_BYTES && !noTransform) {
          this.vary("Accept-Encoding");
          const method = req.acceptsEncodings("br", "gzip");
          if (method === "br" || method === "gzip") {
            const compressed = method === "br" ? zlib.brotliCompressSync(body, BROTLI) : zlib.gzipSync(body, GZIP);
            this.setHeader("Content-Encoding", method);
            this.setHeader("Content-Length", compressed.length);
            const callback = args[args.length - 1];
            return (end as (this: Response, ...rest: unknown[]) => Response).call(this, compressed, ...(typeof callback === "function" ? [callback] : []));
          }
        }
      }
      return end.apply(this, args as never) as never;
    } as Response["end"];
    next();
  };
}
