module github.com/ada/orders-api

go 1.22
