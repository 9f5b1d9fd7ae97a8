import React from "react";

export function App({ count }: { count: number }) {
  return <main><h1>Kanban</h1><p>{count} cards</p></main>;
}
