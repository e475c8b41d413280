import { graphql } from "../../gql";
import type { ProviderType, Role } from "../../gql/graphql";

/** The roles an office's Commissioner may give (the server's OFFICE_STAFF_ROLES); administrators give any. */
export const OFFICE_STAFF_ROLES: readonly Role[] = ["COMMISSIONER", "OFFICER", "ANALYST"];
export const ALL_ROLES: readonly Role[] = ["ADMIN", "COMMISSIONER", "OFFICER", "ANALYST", "PROVIDER"];

export const PROVIDER_TYPE_LABELS: Record<ProviderType, string> = {
  VOLUNTARY_COMMUNITY: "Voluntary and community sector",
  PUBLIC_BODY: "Public body",
  PRIVATE: "Private company",
};

export const UserFieldsFragment = graphql(`
  fragment UserFields on User {
    id
    version
    name
    email
    role
    active
    office {
      id
      name
    }
    provider {
      id
      name
    }
  }
`);

export const OfficeUsersQuery = graphql(`
  query OfficeUsers($officeId: Int) {
    users(officeId: $officeId) {
      id
      ...UserFields
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      name
      ...UserFields
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: Int!, $version: Int!, $input: UpdateUserInput!) {
    updateUser(id: $id, version: $version, input: $input) {
      id
      ...UserFields
    }
  }
`);

export const OfficesQuery = graphql(`
  query OfficesRegister {
    offices {
      id
      name
      code
      commissionerTitle
      version
    }
  }
`);

export const CreateOfficeMutation = graphql(`
  mutation CreateOffice($input: CreateOfficeInput!) {
    createOffice(input: $input) {
      id
      name
    }
  }
`);

export const UpdateOfficeMutation = graphql(`
  mutation UpdateOffice($id: Int!, $version: Int!, $input: UpdateOfficeInput!) {
    updateOffice(id: $id, version: $version, input: $input) {
      id
      name
      commissionerTitle
      version
    }
  }
`);

export const ProvidersQuery = graphql(`
  query ProvidersRegister($search: String, $offset: Int!) {
    providers(search: $search, first: 100, offset: $offset) {
      totalCount
      hasMore
      items {
        id
        version
        name
        type
        charityNumber
        companyNumber
      }
    }
  }
`);

export const CreateProviderMutation = graphql(`
  mutation CreateProvider($input: ProviderInput!) {
    createProvider(input: $input) {
      id
      name
    }
  }
`);

export const UpdateProviderMutation = graphql(`
  mutation UpdateProvider($id: Int!, $version: Int!, $input: ProviderInput!) {
    updateProvider(id: $id, version: $version, input: $input) {
      id
      version
      name
    }
  }
`);
