import { riskRating } from "./risk-data";
import "./risks.css";

/** A risk's score as number, word and symbol (never colour alone). */
export function RiskScore({ score }: { score: number }) {
  const rating = riskRating(score);
  return (
    <span className={`risk-rating risk-rating--${rating.key}`}>
      <span aria-hidden="true">{rating.symbol} </span>
      {score} {rating.label}
    </span>
  );
}
