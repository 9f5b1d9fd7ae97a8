ALTER TABLE users DROP COLUMN cards_for;
