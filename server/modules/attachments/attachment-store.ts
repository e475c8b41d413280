import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";

/**
 * Attachments' bytes, content-addressed: `<dir>/<first two hex digits>/<sha256>`. An upload is written to
 * `<dir>/incoming/` first (same filesystem, so moving it into place is a rename) and never kept if refused.
 */
export class AttachmentStore {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("not a sha256");
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * Reads a request body into an incoming file, hashing as it goes. Past `limit` bytes it stops reading (without
   * destroying the request, so the refusal can still be answered), removes what it wrote and rejects with TooLarge.
   */
  async receive(body: Readable, limit: number): Promise<Received> {
    const incoming = path.join(this.dir, "incoming");
    await fs.promises.mkdir(incoming, { recursive: true });
    // A request the HTTP layer already gave up on (a malformed tail after the body: Node answers 400 and destroys
    // it while the route is still authenticating) emits no more "close" or "end": waiting on it would keep the
    // file, and this promise, forever.
    if (body.destroyed) throw new Error("the upload was cut off");
    const tempPath = path.join(incoming, `${randomUUID()}.part`);
    const hash = createHash("sha256");
    let size = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const out = fs.createWriteStream(tempPath, { flags: "wx", mode: 0o600 });
        let settled = false;
        const cleanup = () => {
          body.off("data", onData);
          body.off("end", onEnd);
          body.off("error", fail);
          body.off("close", onClose);
        };
        const fail = (error: unknown) => {
          if (settled) return;
          settled = true;
          cleanup();
          body.pause();
          out.destroy();
          out.once("close", () => reject(error));
        };
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) return fail(new TooLarge(limit));
          hash.update(chunk);
          if (!out.write(chunk)) {
            body.pause();
            out.once("drain", () => body.resume());
          }
        };
        const onEnd = () => {
          cleanup();
          out.end();
        };
        const onClose = () => fail(new Error("the upload was cut off"));
        out.on("error", fail);
        out.on("finish", () => {
          if (settled) return;
          settled = true;
          out.close(() => resolve());
        });
        body.on("data", onData);
        body.on("end", onEnd);
        body.on("error", fail);
        body.on("close", onClose);
      });
    } catch (error) {
      await fs.promises.rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, size, sha256: hash.digest("hex") };
  }

  /**
   * Removes uploads left in `incoming/` by a process that died mid-upload: every `.part` file last written before
   * `cutoffMs` (a time). The caller picks the cutoff (see `sweepLeftUploads`).
   */
  async sweepIncoming(cutoffMs: number): Promise<number> {
    const incoming = path.join(this.dir, "incoming");
    let names: string[];
    try {
      names = await fs.promises.readdir(incoming);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith(".part")) continue;
      const file = path.join(incoming, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat?.isFile() || stat.mtimeMs >= cutoffMs) continue;
      await fs.promises.rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  /** Moves a received file into place; if the same content is already stored, keeps that one. Returns whether it created the file. */
  async place(received: Received): Promise<boolean> {
    const target = this.pathOf(received.sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) {
      await this.discard(received);
      return false;
    }
    await fs.promises.rename(received.tempPath, target);
    return true;
  }

  async discard(received: Received): Promise<void> {
    await fs.promises.rm(received.tempPath, { force: true });
  }

  async remove(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
  }

  exists(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }
}

export interface Received {
  tempPath: string;
  size: number;
  sha256: string;
}

export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
  }
}
