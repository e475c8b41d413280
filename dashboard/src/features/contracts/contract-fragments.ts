import { graphql } from "../../gql";

/** A contract as a row of the contracts list: written once, read by the list and its filters. */
export const ContractRowFields = graphql(`
  fragment ContractRowFields on Contract {
    id
    reference
    title
    status
    mechanism
    stage
    startDate
    endDate
    annualValuePence
    endsWithoutPlan
    portfolio {
      id
      name
    }
    provider {
      id
      name
    }
  }
`);

/** Everything the contract page and its edit form read. */
export const ContractDetailFields = graphql(`
  fragment ContractDetailFields on Contract {
    id
    version
    reference
    title
    description
    status
    mechanism
    stage
    startDate
    endDate
    annualValuePence
    reportingSchedule
    reviewWindow
    reviewStartDate
    reviewEndDate
    plannedStartDate
    potentialValuePence
    endsWithoutPlan
    portfolio {
      id
      name
    }
    provider {
      id
      name
    }
    mainPriority {
      id
      title
    }
    fundingLines {
      id
      year
      amountPence
      status
      stream {
        id
        name
      }
    }
    coCommissioners {
      id
      partnerName
      annualContributionPence
    }
    spend {
      id
      year
      quarter
      amountPence
    }
    kpis {
      id
      indicator {
        id
        code
        name
        unit
        direction
      }
      targets {
        id
        year
        quarter
        value
      }
    }
  }
`);
