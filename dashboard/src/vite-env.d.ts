// tsconfig.json limits `types` to node; this brings in Vite's typings for
// CSS imports and `?worker` modules used by the dashboard.
/// <reference types="vite/client" />
