/**
 * Example operations GraphiQL opens with, one tab each, on a browser that has no saved
 * GraphiQL tabs yet. Add new examples here as the schema grows.
 */
export interface GraphiQLExample {
  /** A complete operation; the tab is titled after its operation name. */
  query: string;
  variables?: Record<string, unknown>;
}

export const graphiqlExamples: GraphiQLExample[] = [
  {
    query: `# Who am I? Sign in with the bar above first:
# GraphiQL then sends your session token.
query Me {
  me {
    id
    name
    email
    role
  }
}
`,
  },
  {
    query: `# Trade an email and password for a token.
# To use another token, put it in Headers:
# {"Authorization": "Bearer <token>"}
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token
    expiresAt
    user {
      id
      name
      role
    }
  }
}
`,
    variables: { email: "you@example.org", password: "" },
  },
  {
    query: `# The office's reporting quarters and their ids, newest first.
# The other examples take a period id from here
# (in the demo data, 4 is Wiltshire & Swindon's 2023-24 Q4).
query ReportingPeriods {
  reportingPeriods {
    id
    label
    state
    dueDate
    frozenAt
  }
}
`,
  },
  {
    query: `# How did the office do in a quarter? One scorecard for the
# office as a whole (portfolio: null) and one per portfolio,
# each indicator with its actual, target, RAG and how many of
# the returns due it counts. Accepted returns only.
query OfficeScorecard($periodId: Int!) {
  scorecards(periodIds: [$periodId]) {
    portfolio {
      name
    }
    rows {
      indicator {
        code
        name
        unit
        direction
      }
      cells {
        label
        actual
        target
        rag
        change
        returnsIn
        returnsDue
      }
    }
  }
}
`,
    variables: { periodId: 4 },
  },
  {
    query: `# Where does the money come from, and where has it gone?
# Each funding stream's amount for the financial year, what is
# allocated, committed to contracts, planned and spent.
# Money is in pence: 123456 is £1,234.56.
query MoneyByStream($year: String!) {
  moneySummary(year: $year) {
    year
    totalPence
    committedPence
    spentPence
    streams {
      name
      amountPence
      allocatedPence
      committedPence
      plannedPence
      spentPence
      remainingPence
      warnings
    }
    portfolios {
      portfolio {
        name
      }
      allocatedPence
      spentPence
      remainingPence
    }
  }
}
`,
    variables: { year: "2023-24" },
  },
  {
    query: `# Which returns came in late this quarter? The counts cover
# every return due; the list shows each return you may see
# (Panel analysts: accepted ones) - look for late: true.
query LateReturns($periodId: Int!) {
  returnCompleteness(periodId: $periodId) {
    portfolioId
    due
    onTime
    late
    missing
    accepted
  }
  returns(periodId: $periodId, first: 100) {
    items {
      late
      state
      submittedAt
      contract {
        reference
        title
        provider {
          name
        }
        portfolio {
          name
        }
      }
    }
  }
}
`,
    variables: { periodId: 4 },
  },
  {
    query: `# Where does a scorecard figure come from? The contracts and
# returns behind one cell, the values that were summed, and who
# submitted and accepted each return. Indicator ids come from
# the indicators query; leave portfolioId out for the office total.
query CellProvenance($indicatorId: Int!, $periodId: Int!, $portfolioId: Int) {
  indicators {
    id
    code
    name
  }
  scorecardProvenance(indicatorId: $indicatorId, periodId: $periodId, portfolioId: $portfolioId) {
    contractReference
    contractTitle
    state
    revision
    submittedBy
    submittedAt
    acceptedBy
    acceptedAt
    values {
      measureCode
      role
      value
    }
  }
}
`,
    variables: { indicatorId: 4, periodId: 4, portfolioId: 2 },
  },
  {
    query: `# What was the Panel shown, and what has changed since?
# Each frozen quarter with its figures as frozen and every
# restatement: a cell whose figure changed after the freeze.
query FrozenQuarters {
  frozenQuarters {
    period {
      label
    }
    frozenAt
    frozenBy {
      name
    }
    restatements {
      portfolioId
      indicatorId
      frozenActual
      currentActual
      frozenReturnsIn
      currentReturnsIn
    }
    scorecards {
      portfolio {
        name
      }
      rows {
        indicator {
          id
          name
        }
        cells {
          actual
          target
          rag
        }
      }
    }
  }
}
`,
  },
  {
    query: `# Which services are up for review or re-procurement, and when?
# Soonest new start first, with the value at stake in pence.
query ReprocurementPipeline {
  reprocurementPipeline {
    reference
    title
    status
    stage
    reviewWindow
    plannedStartDate
    potentialValuePence
    provider {
      name
    }
    portfolio {
      name
    }
  }
}
`,
  },
  {
    query: `# Watch returns change state as it happens (press play, then
# submit or accept a return elsewhere). With since, the server
# first replays the events after that sequence number.
subscription FollowReturns($officeId: Int!) {
  returnChanged(officeId: $officeId) {
    seq
    change
    state
    returnId
    performanceReturn {
      contract {
        reference
        title
      }
      period {
        label
      }
    }
  }
}
`,
    variables: { officeId: 1 },
  },
];
