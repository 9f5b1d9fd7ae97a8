DROP TABLE apidocs;
