-- Which social cards an owner has: the card folder ("<content version>-
-- <layout>", see internal/socialcard.Tag) whose cards are all stored,
-- written by the worker once the portfolio card (stored last) is. A page
-- reads it with the owner instead of asking the object store on every
-- render. No trigger watches it: it changes nothing a page shows by itself
-- (the worker drops the owner's cached pages once the cards exist).
ALTER TABLE users ADD COLUMN cards_for text NOT NULL DEFAULT '';
