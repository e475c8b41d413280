import { StrictMode, useMemo } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import { createClient } from "./client";
import { useSessionToken } from "./session";
import { HomeView } from "./views/home-view";
import "./styles.css";

function App() {
  const [token, setToken] = useSessionToken();
  const client = useMemo(() => createClient({ token }), [token]);
  return (
    <Provider value={client}>
      <HomeView token={token} onTokenChange={setToken} />
    </Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
