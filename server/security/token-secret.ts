import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const FILE = "token-secret";

/**
 * The token signing secret kept in the data folder: created at random on first start (readable by the owner
 * only) and read back on every later start, so tokens survive a restart. Several instances must share one
 * TOKEN_SECRET instead.
 */
export function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written whole under another name, then linked: two instances starting together on one folder agree on
    // one secret, and neither ever reads a half-written file.
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(temporary, randomBytes(48).toString("base64url"), { mode: 0o600 });
    try {
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.unlinkSync(temporary);
    }
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret: delete it to generate a new one.`);
  return secret;
}
