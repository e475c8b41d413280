import { useSession } from "../session";
import { OfficeQuarterPicker } from "./office-quarter-picker";
import "./office-choice.css";

/** Administrators, who belong to no office, choose the office a whole-office view (contracts, money, quarters) shows. */
export function OfficeChoice() {
  const { user } = useSession();
  if (user?.role !== "ADMIN") return null;
  return (
    <div className="office-choice">
      <OfficeQuarterPicker quarter={false} />
    </div>
  );
}
