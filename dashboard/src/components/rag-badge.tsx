import { RAG_SHAPES, ragLabel, type Rag } from "../format";

export interface RagBadgeProps {
  rag: Rag;
  /** Replaces the standard words ("On target"…), e.g. "Provisional: on target". */
  label?: string;
  /** "compact" drops the padding for dense tables. */
  size?: "normal" | "compact" | "large";
  className?: string;
}

/**
 * A RAG rating as colour, shape (● ▲ ■ ○ ◇) and words, so it reads without colour, in print and to screen readers.
 * The shape is decorative; the words carry the meaning.
 */
export function RagBadge({ rag, label, size = "normal", className }: RagBadgeProps) {
  const classes = ["rag-badge", `rag-badge--${rag.toLowerCase().replace("_", "-")}`, size !== "normal" ? `rag-badge--${size}` : "", className ?? ""]
    .filter(Boolean)
    .join(" ");
  return (
    <span className={classes} data-rag={rag}>
      <span className="rag-badge__shape" aria-hidden="true">
        {RAG_SHAPES[rag]}
      </span>
      <span className="rag-badge__text">{label ?? ragLabel(rag)}</span>
    </span>
  );
}
