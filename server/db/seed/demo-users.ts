import type { EntityManager } from "typeorm";
import { Role } from "../../modules/users/role.js";
import { User } from "../../modules/users/user.entity.js";
import { PROVIDERS } from "./providers.js";
import { insertRows, KeyRegistry } from "./seed-kit.js";
import { KPI_CONTRACTS } from "./wiltshire-kpis.js";
import { wiltshire2023 } from "./wiltshire-2023-24.js";
import { DORSET_KPI_CONTRACTS } from "./dorset-kpis.js";
import { DURHAM_KPI_CONTRACTS } from "./durham-services.js";

/** Every demo account uses this password. Demo data only: never enable the demo seed on a real deployment. */
export const DEMO_PASSWORD = "demo-password-2026";

export interface DemoLogin {
  email: string;
  role: Role;
  /** Office name; null for administrators and provider users, who are not tied to one office. */
  office: string | null;
  provider?: string;
}

interface DemoUser extends DemoLogin {
  key: string;
  name: string;
  officeCode: string | null;
  providerKey?: string;
}

const WILTSHIRE = "Wiltshire & Swindon";
const providerName = (key: string) => PROVIDERS.find((p) => p.key === key)!.name;

/*
 * provider-a works for Victim Support, which holds a Wiltshire contract and a Dorset one: it must see both and
 * nothing else. provider-b works for a Wiltshire-only domestic abuse charity.
 */
const PEOPLE: DemoUser[] = [
  { key: "admin", email: "admin@demo.example", name: "Demo Administrator", role: Role.ADMIN, office: null, officeCode: null },
  { key: "commissioner:wiltshire", email: "commissioner@wiltshire.demo.example", name: "Demo Commissioner", role: Role.COMMISSIONER, office: WILTSHIRE, officeCode: "wiltshire" },
  { key: "officer:wiltshire", email: "officer@wiltshire.demo.example", name: "Demo Commissioning Officer", role: Role.OFFICER, office: WILTSHIRE, officeCode: "wiltshire" },
  { key: "analyst:wiltshire", email: "analyst@wiltshire.demo.example", name: "Demo Panel Analyst", role: Role.ANALYST, office: WILTSHIRE, officeCode: "wiltshire" },
  { key: "officer:dorset", email: "officer@dorset.demo.example", name: "Demo Commissioning Officer (Dorset)", role: Role.OFFICER, office: "Dorset", officeCode: "dorset" },
  { key: "officer:durham", email: "officer@durham.demo.example", name: "Demo Commissioning Officer (Durham)", role: Role.OFFICER, office: "Durham", officeCode: "durham" },
  { key: "provider:victim-support", email: "provider-a@demo.example", name: "Demo Provider A", role: Role.PROVIDER, office: null, officeCode: null, providerKey: "victim-support", provider: providerName("victim-support") },
  { key: "provider:harbour", email: "provider-b@demo.example", name: "Demo Provider B", role: Role.PROVIDER, office: null, officeCode: null, providerKey: "harbour", provider: providerName("harbour") },
];

/** The logins to list in the README. */
export const DEMO_LOGINS: DemoLogin[] = PEOPLE.map(({ email, role, office, provider }) => ({ email, role, office, ...(provider ? { provider } : {}) }));

/*
 * Every other provider that sends returns (in any office) gets a reporting account, so each seeded return is submitted by a
 * user of its own provider, as the product requires. They work with the same password but are not advertised.
 */
const providersReporting = new Set([
  ...KPI_CONTRACTS.map((kc) => wiltshire2023.contracts!.find((c) => c.ref === kc.contract)!.provider),
  ...[...DORSET_KPI_CONTRACTS, ...DURHAM_KPI_CONTRACTS].map((kc) => kc.provider),
]);
const REPORTERS: DemoUser[] = [...providersReporting]
  .filter((key) => !PEOPLE.some((p) => p.providerKey === key))
  .map((key) => ({
    key: `provider:${key}`,
    email: `returns@${key}.demo.example`,
    name: `Returns contact, ${providerName(key)}`,
    role: Role.PROVIDER,
    office: null,
    officeCode: null,
    providerKey: key,
    provider: providerName(key),
  }));

export const DEMO_REPORTING_LOGINS: DemoLogin[] = REPORTERS.map(({ email, role, office, provider }) => ({ email, role, office, provider }));

/** Inserts the demo users; `passwordHash` is computed once by the caller because bcrypt is slow. */
export async function seedUsers(
  em: EntityManager,
  passwordHash: string,
  officeIds: Map<string, number>,
  providers: KeyRegistry,
): Promise<KeyRegistry> {
  const people = [...PEOPLE, ...REPORTERS];
  const rows = await insertRows(
    em,
    User,
    people.map((p) => ({
      email: p.email,
      name: p.name,
      passwordHash,
      role: p.role,
      officeId: p.officeCode ? officeIds.get(p.officeCode)! : null,
      providerId: p.providerKey ? providers.get("provider", p.providerKey) : null,
      active: true,
    })),
  );
  const users = new KeyRegistry("users");
  people.forEach((p, i) => users.set("user", p.key, rows[i].id));
  return users;
}
