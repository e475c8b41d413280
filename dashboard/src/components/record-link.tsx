import type { ReactNode } from "react";
import { Link, useSearchParams } from "react-router";

export interface RecordLinkProps {
  /** The search param that names the open record ("brief", "risk"…). */
  param: string;
  id: number;
  children: ReactNode;
  onChoose?(id: number): void;
}

/** Opens one record of a list beside it, in the address (so it can be shared), keeping the office and quarter. */
export function RecordLink({ param, id, children, onChoose }: RecordLinkProps) {
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set(param, String(id));
  return (
    <Link to={{ search: `?${next.toString()}` }} preventScrollReset onClick={() => onChoose?.(id)}>
      {children}
    </Link>
  );
}

/** The record a list has open beside it (its id in the `param` search param), and a way to open another, as RecordLink does. */
export function useOpenRecord(param: string): [number | null, (id: number) => void] {
  const [params, setParams] = useSearchParams();
  const open = (id: number) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set(param, String(id));
        return next;
      },
      { preventScrollReset: true },
    );
  return [Number(params.get(param)) || null, open];
}
