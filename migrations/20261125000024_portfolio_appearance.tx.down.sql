DROP TABLE portfolio_appearance;
