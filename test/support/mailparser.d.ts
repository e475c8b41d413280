// mailparser ships no types and tests use one function of it.
declare module "mailparser" {
  export function simpleParser(source: NodeJS.ReadableStream | Buffer | string): Promise<unknown>;
}
