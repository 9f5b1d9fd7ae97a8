DROP TABLE repository_imports;
