import { createBoard } from "./board";

export interface Card {
  id: string;
  title: string;
  column: "todo" | "doing" | "done";
}

const board = createBoard();
board.add({ id: "1", title: "Write the README", column: "todo" });
console.log(board.list().length);
