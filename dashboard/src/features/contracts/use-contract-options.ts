import { useQuery } from "urql";
import { graphql } from "../../gql";

const ContractFormOptionsQuery = graphql(`
  query ContractFormOptions($officeId: Int) {
    portfolios(officeId: $officeId) {
      id
      name
    }
    providers(first: 100) {
      items {
        id
        name
      }
    }
    fundingStreams(officeId: $officeId) {
      id
      name
      maxAwardPence
      oneOffOnly
      ringFencedPurpose
      parent {
        id
      }
    }
    strategicPlans(officeId: $officeId) {
      id
      title
      priorities {
        id
        title
      }
    }
  }
`);

/** The choices the contract form offers: the office's portfolios, funding streams and priorities, and providers. */
export function useContractOptions(officeId: number | null) {
  const [{ data, error, fetching }] = useQuery({ query: ContractFormOptionsQuery, variables: { officeId }, pause: officeId == null });
  return { options: data, error, fetching };
}
