import type { Card } from "./index";

export function createBoard() {
  const cards: Card[] = [];
  return {
    add(card: Card) {
      cards.push(card);
    },
    move(id: string, column: Card["column"]) {
      const card = cards.find((c) => c.id === id);
      if (card) card.column = column;
    },
    list() {
      return [...cards];
    },
  };
}
