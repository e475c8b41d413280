import type { EntityManager } from "typeorm";
import { Provider, ProviderType } from "../../modules/providers/provider.entity.js";
import { insertRows, KeyRegistry } from "./seed-kit.js";

/**
 * Every provider in the demo. Providers belong to no office: Victim Support holds a Wiltshire and a Dorset contract,
 * which is what lets the demo show a provider user seeing its contracts in two offices and nothing else.
 *
 * Names the source documents give are used as they are. Where a document names a service but not who delivers it,
 * the provider is invented and marked illustrative; invented organisations carry no charity or company numbers.
 */
export interface ProviderSeed {
  key: string;
  name: string;
  type: ProviderType;
}

const { VOLUNTARY_COMMUNITY, PUBLIC_BODY, PRIVATE } = ProviderType;

export const PROVIDERS: ProviderSeed[] = [
  // Public bodies named in the documents.
  { key: "wiltshire-police", name: "Wiltshire Police", type: PUBLIC_BODY },
  { key: "wiltshire-council", name: "Wiltshire Council", type: PUBLIC_BODY },
  { key: "swindon-council", name: "Swindon Borough Council", type: PUBLIC_BODY },
  { key: "dorset-police", name: "Dorset Police", type: PUBLIC_BODY },
  { key: "environment-agency", name: "Environment Agency", type: PUBLIC_BODY },
  { key: "dorset-opcc", name: "Office of the Police and Crime Commissioner for Dorset", type: PUBLIC_BODY },

  // Voluntary and private organisations named in the documents.
  { key: "victim-support", name: "Victim Support", type: VOLUNTARY_COMMUNITY },
  { key: "g4s", name: "G4S", type: PRIVATE },
  { key: "circles-southwest", name: "Circles Southwest", type: VOLUNTARY_COMMUNITY },
  { key: "dorset-rape-crisis", name: "Dorset Rape Crisis", type: VOLUNTARY_COMMUNITY },
  { key: "afc-bournemouth", name: "AFC Bournemouth", type: PRIVATE },
  { key: "street-doctors", name: "StreetDoctors", type: VOLUNTARY_COMMUNITY },

  // Wiltshire & Swindon providers the 2023-24 plan does not name.
  { key: "harbour", name: "Harbour Domestic Abuse Services", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "willow", name: "Willow Sexual Violence Support", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "kestrel", name: "Kestrel Sexual Assault Referral Services", type: PRIVATE }, // illustrative
  { key: "brightpath", name: "Brightpath Children's Services", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "insight", name: "Insight Research Partners Ltd", type: PRIVATE }, // illustrative
  { key: "sw-custody-health", name: "South West Custody Healthcare Ltd", type: PRIVATE }, // illustrative
  { key: "clearwater", name: "Clearwater Mental Health Services", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "pathways-recovery", name: "Pathways Recovery Wiltshire", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "new-leaf", name: "New Leaf Recovery Swindon", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "turnaround", name: "Turnaround Behaviour Change", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "nova-women", name: "Nova Women's Centre", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "change-online", name: "Change Online Interventions Ltd", type: PRIVATE }, // illustrative
  { key: "appropriate-adults", name: "Wiltshire & Swindon Appropriate Adults", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "football-trust", name: "Swindon & North Wiltshire Football Community Trust", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "wessex-mh", name: "Wessex Mental Health NHS Trust", type: PUBLIC_BODY }, // illustrative
  { key: "community-alert", name: "Community Alert Messaging Ltd", type: PRIVATE }, // illustrative
  { key: "nightsafe", name: "Nightsafe Marshals CIC", type: VOLUNTARY_COMMUNITY }, // illustrative

  // Dorset providers the 2019/20 intentions do not name.
  { key: "weymouth-tc", name: "Weymouth Town Council", type: PUBLIC_BODY }, // illustrative
  { key: "bcp-council", name: "Bournemouth, Christchurch and Poole Council", type: PUBLIC_BODY }, // illustrative
  { key: "dorset-council", name: "Dorset Council", type: PUBLIC_BODY }, // illustrative
  { key: "dorset-yos", name: "Dorset Combined Youth Offending Service", type: PUBLIC_BODY }, // illustrative
  { key: "dorset-healthcare", name: "Dorset HealthCare University NHS Foundation Trust", type: PUBLIC_BODY }, // illustrative
  { key: "harbourside-recovery", name: "Harbourside Recovery Dorset", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "restorative-dorset", name: "Restorative Dorset", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "dorset-da-support", name: "Dorset Domestic Abuse Support", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "purbeck-youth", name: "Purbeck Youth Outreach", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "coastline-wellbeing", name: "Coastline Wellbeing Partnership", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "safe-haven-housing", name: "Safe Haven Housing Dorset", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "roadsafe-tech", name: "RoadSafe Evidence Technology Ltd", type: PRIVATE }, // illustrative
  { key: "devon-cornwall-opcc", name: "Office of the Police and Crime Commissioner for Devon and Cornwall", type: PUBLIC_BODY },

  // Durham providers: the 2018-19 strategy names none, so all are illustrative.
  { key: "durham-constabulary", name: "Durham Constabulary", type: PUBLIC_BODY },
  { key: "wear-victim-care", name: "Wear Valley Victim Care", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "tees-isva", name: "North East Sexual Violence Advisers", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "durham-csp", name: "County Durham Community Safety Partnership", type: PUBLIC_BODY }, // illustrative
  { key: "darlington-youth", name: "Darlington Youth Diversion Trust", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "shildon-residents", name: "Shildon Residents' Association", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "northern-recovery", name: "Northern Recovery Partnership", type: VOLUNTARY_COMMUNITY }, // illustrative
  { key: "durham-women", name: "Durham Women's Diversion Project", type: VOLUNTARY_COMMUNITY }, // illustrative
];

export async function seedProviders(em: EntityManager): Promise<KeyRegistry> {
  const registry = new KeyRegistry("providers");
  const rows = await insertRows(
    em,
    Provider,
    PROVIDERS.map((p) => ({ name: p.name, type: p.type, charityNumber: null, companyNumber: null })),
  );
  PROVIDERS.forEach((p, i) => registry.set("provider", p.key, rows[i].id));
  return registry;
}
