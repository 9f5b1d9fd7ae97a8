DROP TABLE portfolio_appearance;
DROP FUNCTION folio_bump_from_appearance();
