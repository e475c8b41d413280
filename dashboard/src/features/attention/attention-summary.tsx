import { useQuery } from "urql";
import { RagBadge } from "../../components/rag-badge";
import { describeError } from "../../errors";
import { describeChange, formatChange, formatValue } from "../../format";
import { graphql } from "../../gql";
import type { BoardAttentionQuery } from "../../gql/graphql";
import "./attention.css";

const BoardAttentionDocument = graphql(`
  query BoardAttention($periodId: Int!, $portfolioId: Int, $includeSubmitted: Boolean) {
    boardAttention(periodId: $periodId, portfolioId: $portfolioId, includeSubmitted: $includeSubmitted) {
      period {
        id
        label
      }
      previous {
        id
        label
      }
      offTarget
      nearTarget
      onTarget
      unrated
      exceptions {
        portfolioId
        indicatorId
        periodId
        rag
        actual
        target
        change
        returnsIn
        returnsDue
        portfolio {
          id
          name
        }
        indicator {
          id
          code
          name
          unit
          direction
        }
  
      }
      biggestChanges {
        portfolioId
        indicatorId
        periodId
        rag
        actual
        target
        change
        returnsIn
        returnsDue
        portfolio {
          id
          name
        }
        indicator {
          id
          code
          name
          unit
          direction
        }
  
      }
      returns {
        due
        submitted
        accepted
        missing
        late
      }
    }
  }
`);

type Item = BoardAttentionQuery["boardAttention"]["exceptions"][number];

/** The board cell an item stands for; the grid gives each cell this id. */
export const cellAnchor = (portfolioId: number | null, code: string, periodId: number) => `cell-${portfolioId ?? "office"}-${code}-${periodId}`;

/** Scrolls to the cell and moves focus to it, so keyboard and screen-reader users land where the link points. */
function goToCell(event: React.MouseEvent<HTMLAnchorElement>, id: string) {
  const target = document.getElementById(id);
  if (!target) return; // e.g. filtered out: let the browser follow the link
  event.preventDefault();
  target.scrollIntoView({ block: "center" });
  (target.querySelector("button, [tabindex]") as HTMLElement | null)?.focus({ preventScroll: true });
  history.replaceState(null, "", `#${id}`);
}

function ItemLink({ item, children }: { item: Item; children: React.ReactNode }) {
  const id = cellAnchor(item.portfolioId, item.indicator.code, item.periodId);
  return (
    <a href={`#${id}`} onClick={(event) => goToCell(event, id)} className="attention__link" data-testid={`attention-link-${id}`}>
      {children}
    </a>
  );
}

const PLURAL = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The board's first panel: what needs attention this quarter, before the grids. Each item links to its cell.
 * Fed by the boardAttention query (server-side ranking, so the print pack and the API agree).
 */
export function AttentionSummary({ periodId, portfolioId, includeSubmitted }: { periodId: number; portfolioId: number | null; includeSubmitted: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: BoardAttentionDocument, variables: { periodId, portfolioId, includeSubmitted } });
  const a = data?.boardAttention;
  return (
    <section className="board-section attention" aria-labelledby="attention-heading" data-testid="attention-summary">
      <h2 id="attention-heading">Needs attention{a ? `: ${a.period.label}` : ""}</h2>
      {error && (
        <p className="board-error" role="alert">
          {describeError(error)}
        </p>
      )}
      {fetching && !data && <p role="status">Loading what needs attention…</p>}
      {a && (
        <>
          <ul className="attention__counts" aria-label="Portfolio indicators by rating">
            <li className="attention__count attention__count--red">
              <strong>{a.offTarget}</strong> off target
            </li>
            <li className="attention__count attention__count--amber">
              <strong>{a.nearTarget}</strong> near target
            </li>
            <li className="attention__count attention__count--green">
              <strong>{a.onTarget}</strong> on target
            </li>
            <li className="attention__count">
              <strong>{a.unrated}</strong> without a rating
            </li>
            <li className="attention__count attention__count--returns" data-testid="attention-returns">
              <strong>{a.returns.missing}</strong> {a.returns.missing === 1 ? "return" : "returns"} not in, <strong>{a.returns.submitted - a.returns.accepted}</strong> awaiting review or sent back ({a.returns.accepted} of {a.returns.due} accepted)
            </li>
          </ul>

          <div className="attention__lists">
            <div>
              <h3 className="attention__subheading">Off and near target</h3>
              {a.exceptions.length === 0 ? (
                <p className="attention__none">Every rated indicator is on target.</p>
              ) : (
                <ol className="attention__list" data-testid="attention-exceptions">
                  {a.exceptions.slice(0, 8).map((item) => (
                    <li key={`${item.portfolioId}-${item.indicatorId}`}>
                      <ItemLink item={item}>
                        <RagBadge rag={item.rag} size="compact" /> <span className="attention__what">{item.indicator.name}</span> <span className="attention__where">{item.portfolio.name}</span>
                      </ItemLink>
                      <span className="attention__figures">
                        {formatValue(item.actual, item.indicator.unit)} against {item.target != null ? formatValue(item.target, item.indicator.unit) : "no target"} · {item.returnsIn} of {item.returnsDue} returns
                      </span>
                    </li>
                  ))}
                  {a.exceptions.length > 8 && <li className="attention__more">and {PLURAL(a.exceptions.length - 8, "more indicator", "more indicators")} below</li>}
                </ol>
              )}
            </div>
            <div>
              <h3 className="attention__subheading">Biggest changes{a.previous ? ` since ${a.previous.label}` : ""}</h3>
              {a.biggestChanges.length === 0 ? (
                <p className="attention__none">{a.previous ? "No figure changed since last quarter." : "This is the first quarter: there is nothing to compare with."}</p>
              ) : (
                <ol className="attention__list" data-testid="attention-changes">
                  {a.biggestChanges.map((item) => (
                    <li key={`${item.portfolioId}-${item.indicatorId}`}>
                      <ItemLink item={item}>
                        <span className="attention__what">{item.indicator.name}</span> <span className="attention__where">{item.portfolio.name}</span>
                      </ItemLink>
                      <span className="attention__figures">
                        <span aria-hidden="true">{formatChange(item.change, item.indicator.unit)}</span>
                        <span className="visually-hidden">{describeChange(item.change, item.indicator.unit, item.indicator.direction)}</span> to {formatValue(item.actual, item.indicator.unit)}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
