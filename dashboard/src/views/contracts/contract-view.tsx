import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { formatDate, formatPence } from "../../format";
import { ContractDetailDocument } from "../../features/contracts/contract-queries";
import { MECHANISM_LABELS, STAGE_LABELS, STATUS_LABELS } from "../../features/contracts/contract-labels";
import { CoCommissionersList, ContractDecisions, ContractReturns, FundingLinesTable, KpiTargets, SpendAgainstBudget } from "../../features/contracts/contract-sections";
import "../../features/contracts/contracts.css";

/** One contract: its facts, money, partners, spend against budget, indicators and targets, returns and decisions. */
export default function ContractView() {
  const { contractId } = useParams();
  // Only a whole positive number can name a contract; anything else ("abc", "1.5") would never be asked for and so never answered.
  const id = /^\d+$/.test(contractId ?? "") ? Number(contractId) : NaN;
  const valid = Number.isSafeInteger(id) && id > 0;
  const [{ data, error }] = useQuery({ query: ContractDetailDocument, variables: { id: valid ? id : 0 }, pause: !valid, requestPolicy: "cache-and-network" });
  const contract = data?.contract;
  if (!valid) {
    return (
      <>
        <h1>Contract</h1>
        <p className="notice notice--error" role="alert">
          There is no such contract in your office.
        </p>
        <Link to="/contracts">All contracts</Link>
      </>
    );
  }
  if (error) {
    return (
      <>
        <h1>Contract</h1>
        <p className="notice notice--error" role="alert">
          {describeError(error, { NOT_FOUND: "There is no such contract in your office." })}
        </p>
        <Link to="/contracts">All contracts</Link>
      </>
    );
  }
  if (!contract || !data) {
    return (
      <p className="loading" role="status">
        Loading the contract…
      </p>
    );
  }
  const facts: [string, string][] = [
    ["Portfolio", contract.portfolio.name],
    ["Provider", contract.provider.name],
    ["Status", STATUS_LABELS[contract.status]],
    ["Stage", STAGE_LABELS[contract.stage]],
    ["Mechanism", MECHANISM_LABELS[contract.mechanism]],
    ["Runs", `${formatDate(contract.startDate)} to ${formatDate(contract.endDate)}`],
    ["Annual value (all funders)", contract.annualValuePence == null ? "—" : formatPence(contract.annualValuePence, { wholePounds: true })],
    ["Main priority", contract.mainPriority?.title ?? "—"],
    ["Re-procurement", contract.reviewWindow ?? (contract.reviewStartDate ? `${formatDate(contract.reviewStartDate)} to ${formatDate(contract.reviewEndDate)}` : contract.endsWithoutPlan ? "None planned, and it ends within a year" : "None planned")],
  ];
  return (
    <article data-testid="contract-page">
      <p>
        <Link to="/contracts">All contracts</Link>
      </p>
      <div className="page-heading">
        <h1>
          {contract.reference}: {contract.title}
        </h1>
        <Link className="button button--secondary" to={`/contracts/${contract.id}/edit`}>
          Edit contract
        </Link>
      </div>
      {contract.description && <p className="lede">{contract.description}</p>}
      <dl className="contract-facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <section className="contract-section" aria-labelledby="contract-funding">
        <h2 id="contract-funding">Funding lines</h2>
        <FundingLinesTable contract={contract} />
      </section>
      <section className="contract-section" aria-labelledby="contract-partners">
        <h2 id="contract-partners">Co-commissioners</h2>
        <CoCommissionersList contract={contract} />
      </section>
      <section className="contract-section" aria-labelledby="contract-spend">
        <h2 id="contract-spend">Spend by quarter against budget</h2>
        <SpendAgainstBudget contract={contract} />
      </section>
      <section className="contract-section" aria-labelledby="contract-kpis">
        <h2 id="contract-kpis">Indicators and targets</h2>
        <KpiTargets contract={contract} />
      </section>
      <section className="contract-section" aria-labelledby="contract-returns">
        <h2 id="contract-returns">Returns</h2>
        <ContractReturns contractId={contract.id} reference={contract.reference} />
      </section>
      <section className="contract-section" aria-labelledby="contract-decisions">
        <h2 id="contract-decisions">Decisions</h2>
        <ContractDecisions contractId={contract.id} officeId={data.contract.office.id} />
      </section>
    </article>
  );
}
