import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery } from "urql";
import { describeError } from "../../errors";
import { ContractDetailDocument } from "../../features/contracts/contract-queries";
import { ContractForm } from "../../features/contracts/contract-form";
import { useOfficeId } from "../../url-state";
import "../../features/contracts/contracts.css";

/** `/contracts/new` and `/contracts/:id/edit`: the contract form, then on to the contract's page. */
export default function ContractEditView() {
  const { contractId } = useParams();
  // Only a whole positive number can name a contract: "abc" or "-1" is answered as not found rather than asked for.
  const id = contractId == null ? null : /^\d+$/.test(contractId) && Number(contractId) > 0 && Number.isSafeInteger(Number(contractId)) ? Number(contractId) : NaN;
  const navigate = useNavigate();
  const [officeId] = useOfficeId();
  const [generation, setGeneration] = useState(0);
  const [{ data, error }, reexecute] = useQuery({ query: ContractDetailDocument, variables: { id: id != null && !Number.isNaN(id) ? id : 0 }, pause: id == null || Number.isNaN(id), requestPolicy: "network-only" });
  const contract = data?.contract;
  const reload = () => {
    reexecute({ requestPolicy: "network-only" });
    setGeneration((g) => g + 1);
  };

  if (id != null && (error || Number.isNaN(id))) {
    return (
      <>
        <h1>Edit contract</h1>
        <p className="notice notice--error" role="alert">
          {error ? describeError(error, { NOT_FOUND: "There is no such contract in your office." }) : "There is no such contract in your office."}
        </p>
      </>
    );
  }
  if (id != null && (!contract || !data)) {
    return (
      <p className="loading" role="status">
        Loading the contract…
      </p>
    );
  }
  const office = data?.contract.office.id ?? officeId;
  if (office == null) return <p className="loading" role="status">Loading…</p>;
  return (
    <>
      <p>
        <Link to={contract ? `/contracts/${contract.id}` : "/contracts"}>{contract ? `Back to ${contract.reference}` : "All contracts"}</Link>
      </p>
      <h1>{contract ? `Edit ${contract.reference}` : "New contract"}</h1>
      {/* A new key after a reload starts the form again from the contract as it now is. */}
      <ContractForm
        key={`${generation}:${contract?.version ?? "new"}`}
        officeId={office}
        contract={contract ?? null}
        onSaved={(saved) => navigate(`/contracts/${saved}`)}
        onCancel={() => navigate(contract ? `/contracts/${contract.id}` : "/contracts")}
        onReload={reload}
      />
    </>
  );
}
