import { NavLink } from "react-router";
import { useSession } from "../../session";
import { useSelectionSearch } from "../../url-state";
import "./users.css";

/** Between the people screens: users, the provider register and (administrators) offices. */
export function PeopleNav() {
  const { user } = useSession();
  const selection = useSelectionSearch();
  const links = [
    { to: "/users", label: "Users" },
    { to: "/providers", label: "Provider register" },
    ...(user?.role === "ADMIN" ? [{ to: "/offices", label: "Offices" }] : []),
  ];
  return (
    <nav aria-label="People and organisations" className="people-nav">
      <ul>
        {links.map((l) => (
          <li key={l.to}>
            <NavLink to={l.to + selection} end>
              {l.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
