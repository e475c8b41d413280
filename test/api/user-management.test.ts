import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Office } from "../../server/modules/offices/office.entity.js";
import { User } from "../../server/modules/users/user.entity.js";
import { managementProblems } from "../../server/modules/users/user.service.js";
import { Role } from "../../server/modules/users/role.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

/* An office manages its own users (issue 11): the Commissioner adds, re-roles and deactivates the office's staff. */
const ADMIN = "admin@demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";

const CREATE = "mutation($input: CreateUserInput!) { createUser(input: $input) { id version role active office { id } } }";
const UPDATE = "mutation($id: Int!, $v: Int!, $input: UpdateUserInput!) { updateUser(id: $id, version: $v, input: $input) { id version role active } }";

let server: TestServer;
const ids = { wiltshire: 0, dorset: 0 };
const fresh = () => `staff-${Math.random().toString(36).slice(2)}@example.org`;
const problemsOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => (result.errors?.[0]?.extensions?.problems as { field: string; rule: string }[] | undefined)?.map((p) => `${p.field}:${p.rule}`) ?? [];

beforeAll(async () => {
  server = await startTestServer();
  ids.wiltshire = (await server.services.db.manager.findOneByOrFail(Office, { code: "wiltshire" })).id;
  ids.dorset = (await server.services.db.manager.findOneByOrFail(Office, { code: "dorset" })).id;
});
afterAll(() => server?.close());

async function userId(email: string): Promise<{ id: number; version: number }> {
  const all = [ids.wiltshire, ids.dorset];
  for (const officeId of all) {
    const found = (await server.run<any>(ADMIN, "query($o: Int) { users(officeId: $o) { id version email } }", { o: officeId })).data!.users.find((u: { email: string }) => u.email === email);
    if (found) return found;
  }
  throw new Error(`no user ${email}`);
}

describe("the Commissioner manages the office's own staff", () => {
  it("creates an officer in their own office without naming it, then re-roles and deactivates them", async () => {
    const created = await server.run<any>(COMMISSIONER, CREATE, { input: { email: fresh(), name: "New officer", password: "a-long-password-1", role: "OFFICER" } });
    expect(codes(created)).toEqual([]);
    const user = created.data!.createUser;
    expect(user).toMatchObject({ role: "OFFICER", active: true, office: { id: ids.wiltshire } });

    const analyst = await server.run<any>(COMMISSIONER, UPDATE, { id: user.id, v: user.version, input: { role: "ANALYST" } });
    expect(analyst.data!.updateUser).toMatchObject({ role: "ANALYST", version: user.version + 1 });
    expect(codes(await server.run(COMMISSIONER, UPDATE, { id: user.id, v: user.version, input: { active: false } }))).toEqual(["CONFLICT"]);
    const off = await server.run<any>(COMMISSIONER, UPDATE, { id: user.id, v: user.version + 1, input: { active: false } });
    expect(off.data!.updateUser.active).toBe(false);
  });

  it("refuses, by field, an administrator or provider role and another office", async () => {
    const admin = await server.run<any>(COMMISSIONER, CREATE, { input: { email: fresh(), name: "Would-be admin", password: "a-long-password-1", role: "ADMIN" } });
    expect(codes(admin)).toEqual(["BAD_USER_INPUT"]);
    expect(problemsOf(admin)).toContain("role:officeRole");
    const elsewhere = await server.run<any>(COMMISSIONER, CREATE, { input: { email: fresh(), name: "Dorset person", password: "a-long-password-1", role: "OFFICER", officeId: ids.dorset } });
    expect(problemsOf(elsewhere)).toEqual(["officeId:ownOffice"]);
    const officer = await userId(OFFICER);
    const promote = await server.run<any>(COMMISSIONER, UPDATE, { id: officer.id, v: officer.version, input: { role: "ADMIN" } });
    expect(problemsOf(promote)).toEqual(["role:officeRole"]);
  });

  it("cannot reach another office's users, nor administrators", async () => {
    const dorset = await userId(DORSET_OFFICER);
    expect(codes(await server.run(COMMISSIONER, UPDATE, { id: dorset.id, v: dorset.version, input: { active: false } }))).toEqual(["NOT_FOUND"]);
    const admin = await server.services.db.manager.findOneByOrFail(User, { email: ADMIN });
    expect(codes(await server.run(COMMISSIONER, UPDATE, { id: admin.id, v: admin.version, input: { name: "x" } }))).toEqual(["FORBIDDEN"]);
  });

  it("officers and analysts manage nobody", async () => {
    expect(codes(await server.run(OFFICER, CREATE, { input: { email: fresh(), name: "x", password: "a-long-password-1", role: "ANALYST" } }))).toEqual(["FORBIDDEN"]);
  });

  it("nobody deactivates or re-roles themselves, administrators included", async () => {
    const me = await userId(COMMISSIONER);
    expect(problemsOf(await server.run(COMMISSIONER, UPDATE, { id: me.id, v: me.version, input: { active: false } }))).toEqual(["active:notSelf"]);
    expect(problemsOf(await server.run(COMMISSIONER, UPDATE, { id: me.id, v: me.version, input: { role: "OFFICER" } }))).toEqual(["role:notSelf"]);
    const renamed = await server.run<any>(COMMISSIONER, UPDATE, { id: me.id, v: me.version, input: { name: "Renamed Commissioner" } });
    expect(codes(renamed)).toEqual([]);
  });
});

describe("managementProblems (the rule itself)", () => {
  const commissioner = { id: 1, role: Role.COMMISSIONER, officeId: 7 };
  it("lets an administrator give any role in any office", () => {
    expect(managementProblems({ id: 9, role: Role.ADMIN, officeId: null }, null, { role: Role.PROVIDER, officeId: null, providerId: 3 })).toEqual([]);
  });
  it("keeps an office's manager to its staff roles in its own office", () => {
    expect(managementProblems(commissioner, null, { role: Role.OFFICER, officeId: 7, providerId: null })).toEqual([]);
    expect(managementProblems(commissioner, null, { role: Role.OFFICER, officeId: 8, providerId: null }).map((p) => p.rule)).toEqual(["ownOffice"]);
    expect(managementProblems(commissioner, { id: 2, role: Role.OFFICER, officeId: 7, providerId: null }, { role: Role.PROVIDER, officeId: 7, providerId: 1 }).map((p) => p.rule)).toEqual(["officeRole"]);
  });
});
