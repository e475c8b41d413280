import { useConnectionSnapshot } from "../live";

const TEXT = {
  connecting: { icon: "\u25CC", text: "Connecting\u2026", hint: "Connecting for live updates" }, // ◌
  live: { icon: "\u25CF", text: "Live", hint: "Figures update as providers and officers make changes" }, // ●
  reconnecting: { icon: "\u21BB", text: "Reconnecting\u2026", hint: "Connection lost: figures may be out of date until it is back" }, // ↻
  resynced: { icon: "\u2713", text: "Resynced", hint: "Connection back: figures brought up to date" }, // ✓
} as const;

/** Whether live updates are flowing: text and icon, announced politely when it changes. */
export function ConnectionStatus() {
  const { state, everConnected } = useConnectionSnapshot();
  const phase = !everConnected ? "connecting" : state;
  const { icon, text, hint } = TEXT[phase];
  return (
    <p className={`connection-status connection-status--${phase}`} role="status" data-state={phase} title={hint}>
      <span className="connection-status__icon" aria-hidden="true">
        {icon}
      </span>
      <span className="visually-hidden">Connection: </span>
      <span className="connection-status__text">{text}</span>
    </p>
  );
}
